#!/usr/bin/env python3
"""The vote experiment of `make bench`, written as a user would in vectorised numpy.

Population: p ~ Beta(2, 2) per query, 4 answers, the wrong mass split evenly over the 3 wrong
ones; plurality vote at budgets 1, 2, 4, ..., KMAX; a tie among t answers including the correct one
scores 1/t. Prints the mean accuracy at each budget and the seconds spent, as `name seconds acc...`.

    numpy_vote.py per_sample QUERIES KMAX    # draw every sample (uniforms against the CDF)
    numpy_vote.py multinomial QUERIES KMAX   # draw each budget's added counts as a multinomial
"""
import sys
import time

import numpy as np

M = 4


def scores(counts):
    top = counts.max(axis=1)
    ntop = (counts == top[:, None]).sum(axis=1)
    return np.where(counts[:, 0] == top, 1.0 / ntop, 0.0)


def population(rng, n):
    p = rng.beta(2.0, 2.0, n)
    pi = np.empty((n, M))
    pi[:, 0] = p
    pi[:, 1:] = ((1.0 - p) / (M - 1))[:, None]
    return pi


def per_sample(rng, n, budgets, chunk=2000):
    total = np.zeros(len(budgets))
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        cdf = np.cumsum(population(rng, m), axis=1)
        counts = np.zeros((m, M), dtype=np.int64)
        drawn = 0
        for i, b in enumerate(budgets):
            u = rng.random((m, b - drawn))
            ans = (u[:, :, None] >= cdf[:, None, :M - 1]).sum(axis=2)
            for j in range(M):
                counts[:, j] += (ans == j).sum(axis=1)
            drawn = b
            total[i] += scores(counts).sum()
    return total / n


def multinomial(rng, n, budgets, chunk=100000):
    total = np.zeros(len(budgets))
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        pi = population(rng, m)
        counts = np.zeros((m, M), dtype=np.int64)
        drawn = 0
        for i, b in enumerate(budgets):
            counts += rng.multinomial(b - drawn, pi)
            drawn = b
            total[i] += scores(counts).sum()
    return total / n


def main():
    kind, n, kmax = sys.argv[1], int(float(sys.argv[2])), int(float(sys.argv[3]))
    budgets = [1 << k for k in range(kmax.bit_length()) if (1 << k) <= kmax]
    rng = np.random.default_rng(1)
    t = time.perf_counter()
    acc = (per_sample if kind == "per_sample" else multinomial)(rng, n, budgets)
    print(kind, "%.3f" % (time.perf_counter() - t), " ".join("%.4f" % a for a in acc))


if __name__ == "__main__":
    main()
