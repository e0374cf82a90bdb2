"""Plain pyzmq subscriber: connects to the proxy's XPUB endpoint, subscribes to a prefix and
prints one JSON line per message: how many frames it had, the topic and the decoded JSON.

usage: pyzmq_subscriber.py XPUB_ENDPOINT PREFIX COUNT
"""
import json
import sys

import zmq

endpoint, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = zmq.Context()
socket = context.socket(zmq.SUB)
socket.setsockopt(zmq.LINGER, 0)
socket.setsockopt(zmq.RCVTIMEO, 15000)
socket.setsockopt_string(zmq.SUBSCRIBE, prefix)
socket.connect(endpoint)
print(json.dumps({"ready": True}), flush=True)
for _ in range(count):
    parts = socket.recv_multipart()
    print(json.dumps({"parts": len(parts), "topic": parts[0].decode(), "message": json.loads(parts[-1])}), flush=True)
socket.close()
context.term()
