"""The M/M/c queue of experiments/queueing.ini in SimPy 2 (Debian's python3-simpy 2.3.1): Poisson
arrivals at rate 3.2/s, c = 4 servers, exponential service of mean 1 s. Runs the simulation of N
queries REPS times in this one process (so Python's start-up and imports are not counted) and
prints the CPU seconds of the fastest run and its mean wait (near Erlang C's 0.7455 s).
Usage: python3 bench/simpy_mmc.py N [REPS]"""
import random
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

LAMBDA, S, C = 3.2, 1.0, 4


class Query(Process):
    def run(self, servers, waits):
        arrived = now()
        yield request, self, servers
        waits.append(now() - arrived)
        yield hold, self, random.expovariate(1.0 / S)
        yield release, self, servers


class Source(Process):
    def run(self, n, servers, waits):
        for _ in range(n):
            q = Query()
            activate(q, q.run(servers, waits))
            yield hold, self, random.expovariate(LAMBDA)


def once(n):
    random.seed(1)
    start = time.process_time()
    initialize()
    servers = Resource(capacity=C)
    waits = []
    src = Source()
    activate(src, src.run(n, servers, waits))
    simulate(until=1e12)
    took = time.process_time() - start
    return took, sum(waits) / len(waits)


def main():
    n = int(sys.argv[1])
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    best = min(once(n) for _ in range(reps))
    print("%.6f %.6f" % best)


main()
