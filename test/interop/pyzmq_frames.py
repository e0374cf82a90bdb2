"""pyzmq publisher of hand-made multipart messages, as a buggy or hostile peer would send them:
connects to the proxy's XSUB endpoint and sends the given messages in turn, again and again, until
stdin closes (a publisher cannot know when subscriptions arrived).

usage: pyzmq_frames.py XSUB_ENDPOINT MESSAGES_JSON
MESSAGES_JSON is a JSON list of messages, each a list of frames written in hex (so that any bytes,
invalid UTF-8 included, can be sent).
"""
import json
import sys
import threading
import time

import zmq

endpoint = sys.argv[1]
messages = [[bytes.fromhex(frame) for frame in message] for message in json.loads(sys.argv[2])]
context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.setsockopt(zmq.LINGER, 0)
socket.connect(endpoint)

stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

while not stop.is_set():
    for message in messages:
        socket.send_multipart(message)
    time.sleep(0.005)
socket.close()
context.term()
