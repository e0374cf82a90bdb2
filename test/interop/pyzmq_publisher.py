"""Plain pyzmq publisher, as a ChemBus service would write it: connects to the proxy's XSUB
endpoint and sends [topic, json] with send_multipart until stdin closes.

usage: pyzmq_publisher.py XSUB_ENDPOINT TOPIC
"""
import json
import sys
import threading
import time

import zmq

endpoint, topic = sys.argv[1], sys.argv[2]
context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.setsockopt(zmq.LINGER, 0)
socket.connect(endpoint)

stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

seq = 0
while not stop.is_set():
    # A pyzmq publisher cannot know when subscriptions arrived: it just keeps sending.
    socket.send_multipart([topic.encode(), json.dumps({"seq": seq, "from": "pyzmq"}).encode()])
    seq += 1
    time.sleep(0.005)
socket.close()
context.term()
