"""The Python module (python/callscale) against the callscale program: the same experiment gives
the same rows as the program's results.csv, and the same error message.

    CALLSCALE=build/callscale PYTHONPATH=python python3 -m unittest discover -s tests/python
"""
import csv
import os
import subprocess
import tempfile
import unittest

import callscale

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.abspath(os.environ.get("CALLSCALE", os.path.join(ROOT, "build", "callscale")))

TWO_LEVEL = """[experiment]
queries = 3000
seed = 5
budgets = 1,3,5,9
[population.easy]
weight = 0.6
p_correct = 0.85
[population.hard]
weight = 0.4
p_correct = 0.4
[strategy.vote]
[strategy.filter_vote]
[strategy.best_of_n]
"""

# An M/M/4 queue (as experiments/queueing.ini), two budgets and an slo: a vote of N calls.
MMC = """[experiment]
queries = 4000
seed = 3
budgets = 1,2
answers = 4
[population.queries]
p_correct = 0.6
[strategy.vote]
[serving]
service = exponential(1)
replicas = 4
max_num_seqs = 1
[arrivals]
rate = 1.2
warmup = 0.05
slo = 3
"""


def cli(*args):
    return subprocess.run([CLI] + list(args), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)


def cli_rows(path):
    """A CSV the program wrote, numbers read as numbers (independently of the module's reader)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for k, v in r.items():
            if k in ("budget", "queries"):
                r[k] = int(v)
            elif v == "":
                r[k] = None
            elif k not in ("strategy", "setting", "bin"):
                r[k] = float(v)
    return rows


class Module(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_run_from_string_equals_cli(self):
        rows = callscale.run(TWO_LEVEL, overrides=["experiment.seed=9"], threads=2)
        path = self.write("two.ini", TWO_LEVEL)
        p = cli("run", path, "-o", os.path.join(self.dir, "out"), "-q", "--no-plot",
                "--set", "experiment.seed=9")
        self.assertEqual(p.returncode, 0, p.stderr)
        want = cli_rows(os.path.join(self.dir, "out", "results.csv"))
        self.assertEqual(len(rows), 3 * 4 * 3)
        self.assertEqual(rows, want)
        self.assertIsInstance(rows[0]["budget"], int)
        self.assertIsInstance(rows[0]["accuracy"], float)
        self.assertEqual(rows[0]["strategy"], "vote")
        self.assertEqual(rows[0]["bin"], "all")

    def test_run_from_path_any_threads(self):
        path = self.write("two.ini", TWO_LEVEL)
        self.assertEqual(callscale.run(path, threads=1), callscale.run(path, threads=3))
        self.assertEqual(callscale.run(path), callscale.run(TWO_LEVEL))

    def test_exact_equals_cli_and_closed_form(self):
        text = TWO_LEVEL.replace("[strategy.best_of_n]\n", "")
        rows = callscale.exact(text)
        path = self.write("two.ini", text)
        p = cli("exact", path, "-o", os.path.join(self.dir, "ex"), "--no-plot")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(rows, cli_rows(os.path.join(self.dir, "ex", "results.csv")))
        # DESIGN.md section 1: F(1) = 0.67, F(3) = 0.7044, F(5) = 0.7110 (rounded there)
        acc = {r["budget"]: r["accuracy"] for r in rows
               if r["strategy"] == "vote" and r["bin"] == "all"}
        self.assertAlmostEqual(acc[1], 0.67, places=9)
        self.assertAlmostEqual(acc[3], 0.7044, places=4)
        self.assertAlmostEqual(acc[5], 0.7110, places=4)

    def test_bad_experiment_raises_cli_message(self):
        bad = TWO_LEVEL.replace("p_correct = 0.4", "p_correct = 1.4")
        path = self.write("bad.ini", bad)
        p = cli("run", path, "-q", "--no-plot", "-o", os.path.join(self.dir, "o"))
        self.assertNotEqual(p.returncode, 0)
        message = p.stderr.strip()
        self.assertTrue(message.startswith("callscale: %s:10: " % path), message)
        with self.assertRaises(callscale.Error) as e:
            callscale.run(path)
        self.assertEqual(str(e.exception), message)
        self.assertEqual(e.exception.line, 10)
        # the same text from a string: the same message, naming <string>
        with self.assertRaises(callscale.Error) as e:
            callscale.run(bad)
        self.assertEqual(str(e.exception), message.replace(path, "<string>"))

    def test_bad_override_and_missing_file(self):
        path = self.write("two.ini", TWO_LEVEL)
        p = cli("run", path, "-q", "--no-plot", "--set", "experiment.budgets=5,1")
        with self.assertRaises(callscale.Error) as e:
            callscale.run(path, overrides=["experiment.budgets=5,1"])
        self.assertEqual(str(e.exception), p.stderr.strip())
        missing = os.path.join(self.dir, "none.ini")
        p = cli("run", missing, "-q", "--no-plot")
        with self.assertRaises(callscale.Error) as e:
            callscale.exact(missing)
        self.assertEqual(str(e.exception), p.stderr.strip())

    def test_no_exact_form(self):
        path = self.write("two.ini", TWO_LEVEL.replace("[strategy.best_of_n]", "[strategy.weighted_vote]"))
        p = cli("exact", path, "--no-plot", "-o", os.path.join(self.dir, "o"))
        self.assertNotEqual(p.returncode, 0)
        with self.assertRaises(callscale.Error) as e:
            callscale.exact(path)
        self.assertEqual(str(e.exception), p.stderr.strip())

    def test_optimize_equals_cli(self):
        path = self.write("two.ini", TWO_LEVEL)
        rows = callscale.optimize(path, threads=2)
        p = cli("optimize", path, "-q", "-o", os.path.join(self.dir, "opt"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(rows, cli_rows(os.path.join(self.dir, "opt", "frontier.csv")))

    def test_clock_equals_cli(self):
        rows = callscale.clock(MMC, threads=2)
        path = self.write("mmc.ini", MMC)
        p = cli("run", path, "-o", os.path.join(self.dir, "mmc"), "-q", "--no-plot")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(rows, cli_rows(os.path.join(self.dir, "mmc", "latency.csv")))
        self.assertEqual(rows, callscale.clock(MMC, threads=1))
        self.assertEqual([(r["budget"], r["bin"]) for r in rows],
                         [(1, "all"), (1, "queries"), (2, "all"), (2, "queries")])
        # a stable queue answers queries at the rate they come, 1.2/s: 3800 measured Poisson
        # arrivals have a relative s.d. of 1/sqrt(3800) = 1.6%, so 10% is over 6 s.e.
        self.assertLess(abs(rows[0]["throughput"] - 1.2) / 1.2, 0.1)
        for r in rows:
            self.assertTrue(0 <= r["slo_attained"] <= 1)
            self.assertLessEqual(r["latency_p50"], r["latency_p90"])
            self.assertLessEqual(r["latency_p90"], r["latency_p99"])

    def test_clock_needs_serving(self):
        with self.assertRaises(callscale.Error) as e:
            callscale.clock(TWO_LEVEL)
        self.assertIn("[serving]", str(e.exception))
        no_slo = callscale.clock(MMC.replace("slo = 3\n", ""))
        self.assertIsNone(no_slo[0]["slo_attained"])

    def test_version(self):
        self.assertEqual("callscale " + callscale.version(), cli("--version").stdout.strip())

    def test_as_frame(self):
        try:
            import pandas  # noqa: F401
        except ImportError:
            self.skipTest("pandas is not installed (as_frame is optional)")
        frame = callscale.exact(TWO_LEVEL.replace("[strategy.best_of_n]\n", ""), as_frame=True)
        self.assertEqual(list(frame.columns)[:4], ["strategy", "setting", "budget", "bin"])
        self.assertEqual(len(frame), 2 * 4 * 3)


if __name__ == "__main__":
    unittest.main()
