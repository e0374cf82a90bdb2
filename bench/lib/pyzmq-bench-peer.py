"""pyzmq roles of bench/transport-zmq.ts: the publisher, subscriber and C proxy (zmq.proxy())
of a plain pyzmq deployment, so that every proxy is measured between the same two programs.

    proxy NODROP HWM                      prints {"xsub", "xpub"}, then runs zmq.proxy() until killed
    sub   XPUB EXPECTED MODE HWM          prints "ready", "warm", then a report (see SubscriberReport)
    pub   XSUB HWM NODROP                 warms up until a go command arrives on stdin, prints {"done"}

One JSON value per line on stdout; commands are JSON lines on stdin. MODE is throughput or rate.
"""

import json
import math
import select
import sys
import time

import zmq

PAD = "x" * 100


def out(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def proxy(nodrop, hwm):
    context = zmq.Context()
    xsub = context.socket(zmq.XSUB)
    xpub = context.socket(zmq.XPUB)
    for socket in (xsub, xpub):
        socket.setsockopt(zmq.LINGER, 0)
        socket.setsockopt(zmq.SNDHWM, hwm)
        socket.setsockopt(zmq.RCVHWM, hwm)
    if nodrop:
        xpub.setsockopt(zmq.XPUB_NODROP, 1)
    xsub.bind("tcp://127.0.0.1:*")
    xpub.bind("tcp://127.0.0.1:*")
    out({"xsub": xsub.last_endpoint.decode(), "xpub": xpub.last_endpoint.decode()})
    zmq.proxy(xsub, xpub)


def percentile(ordered, p):
    return ordered[min(len(ordered) - 1, int(math.floor((len(ordered) - 1) * p)))]


def sub(xpub, expected, mode, hwm):
    socket = zmq.Context().socket(zmq.SUB)
    socket.setsockopt(zmq.RCVHWM, hwm)
    socket.connect(xpub)
    socket.setsockopt(zmq.SUBSCRIBE, b"bench.")
    out("ready")
    warm = False
    received = 0
    first = last = 0.0
    latencies = []
    while received < expected:
        try:
            topic, data = socket.recv_multipart()
        except zmq.Again:
            break  # 2 s without data: a lossy run reports what arrived
        if topic == b"bench.warmup":
            if not warm:
                warm = True
                socket.setsockopt(zmq.RCVTIMEO, 2000)
                out("warm")
            continue
        last = time.perf_counter()
        if received == 0:
            first = last
        if mode == "rate":
            latencies.append(time.time() * 1000 - json.loads(data)["sentAt"])
        received += 1
    latencies.sort()
    out(
        {
            "received": received,
            "elapsedMs": (last - first) * 1000,
            "latencyMs": {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "max": latencies[-1]}
            if latencies
            else None,
        }
    )


def pub(xsub, hwm, nodrop):
    socket = zmq.Context().socket(zmq.PUB)
    socket.setsockopt(zmq.SNDHWM, hwm)
    if nodrop:
        # A full queue blocks the send instead of dropping: the run is lossless end to end.
        socket.setsockopt(zmq.XPUB_NODROP, 1)
    socket.connect(xsub)
    warmup = json.dumps({"sentAt": 0, "pad": PAD}).encode()
    # Warm up until the subscriber has seen us (slow joiner), then wait for the command.
    while not select.select([sys.stdin], [], [], 0.01)[0]:
        socket.send_multipart([b"bench.warmup", warmup])
    command = json.loads(sys.stdin.readline())
    if command["mode"] == "throughput":
        # Encoded once: the publisher should be as fast as it can, so that the proxy is what is measured.
        data = json.dumps({"sentAt": time.time() * 1000, "pad": PAD}).encode()
        for _ in range(command["messages"]):
            socket.send_multipart([b"bench.data", data])
    else:
        total = command["perSecond"] * command["seconds"]
        start = time.perf_counter()
        sent = 0
        while sent < total:
            due = min(total, int((time.perf_counter() - start) * command["perSecond"])) - sent
            for _ in range(due):
                socket.send_multipart([b"bench.data", json.dumps({"sentAt": time.time() * 1000, "pad": PAD}).encode()])
            sent += max(due, 0)
            time.sleep(0.001)
    out({"done": True})
    time.sleep(3600)  # the orchestrator ends us; closing now could drop queued messages


if __name__ == "__main__":
    role, args = sys.argv[1], sys.argv[2:]
    if role == "proxy":
        proxy(args[0] == "1", int(args[1]))
    elif role == "sub":
        sub(args[0], int(args[1]), args[2], int(args[3]))
    elif role == "pub":
        pub(args[0], int(args[1]), args[2] == "1")
    else:
        raise SystemExit("unknown role " + role)
