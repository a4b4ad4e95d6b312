"""The M/M/c queue of experiments/queueing.ini in SimPy 2 (Debian's python3-simpy 2.3.1): Poisson
arrivals at rate 3.2/s, c = 4 servers, exponential service of mean 1 s. Prints the seconds the
simulation of N queries took and the mean wait (which should be near Erlang C's 0.7455 s).
Usage: python3 bench/simpy_mmc.py N"""
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


def main():
    n = int(sys.argv[1])
    random.seed(1)
    start = time.process_time()
    initialize()
    servers = Resource(capacity=C)
    waits = []
    src = Source()
    activate(src, src.run(n, servers, waits))
    simulate(until=1e12)
    took = time.process_time() - start
    print("%.6f %.6f" % (took, sum(waits) / len(waits)))


main()
