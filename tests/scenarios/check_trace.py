#!/usr/bin/env python3
"""Run a scenario with --trace/--json and check the files are well formed.

check_trace.py IRQSIM SCENARIO

* the Chrome trace is JSON with a traceEvents list; every event has ph, pid,
  tid; B/E events nest per (pid, tid) and every B is closed; ts are numbers;
  every track has a thread_name, the task's own name (not the "taskN" a
  track gets when its task-creation event was missed);
* the JSON-lines trace has one object per line;
* --json prints one object per file with the documented keys.
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def main():
    irqsim, scn = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        chrome = os.path.join(tmp, "t.json")
        jsonl = os.path.join(tmp, "t.jsonl")
        r = subprocess.run([irqsim, "run", "--json", "--trace", chrome, scn],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"exit {r.returncode}: {r.stdout} {r.stderr}")
        res = json.loads(r.stdout)
        for key in ("file", "result", "exit", "statements", "backend", "seed",
                    "messages", "stats", "trace"):
            if key not in res:
                fail(f"--json lacks {key}")
        if res["result"] != "pass" or res["statements"] <= 0:
            fail(f"unexpected --json result {res}")
        with open(chrome) as f:
            doc = json.load(f)
        evs = doc["traceEvents"]
        stacks, named, spans = {}, set(), 0
        for e in evs:
            for key in ("ph", "pid", "tid"):
                if key not in e:
                    fail(f"event without {key}: {e}")
            ph, track = e["ph"], (e["pid"], e["tid"])
            if ph == "M":
                if e["name"] == "thread_name":
                    name = e["args"]["name"]
                    if re.fullmatch(r"task\d+", name):
                        fail(f"track {track} is named only '{name}': the trace"
                             " missed its task-creation event")
                    named.add(track)
                continue
            if not isinstance(e.get("ts"), (int, float)):
                fail(f"event without numeric ts: {e}")
            if track not in named:
                fail(f"track {track} has events before its thread_name")
            if ph == "B":
                stacks.setdefault(track, []).append(e["name"])
                spans += 1
            elif ph == "E":
                st = stacks.get(track)
                if not st:
                    fail(f"E without B on {track}: {e}")
                if st[-1] != e["name"]:
                    fail(f"E {e['name']} closes {st[-1]} on {track}")
                st.pop()
            elif ph != "i":
                fail(f"unexpected ph {ph}")
        for track, st in stacks.items():
            if st:
                fail(f"unclosed spans on {track}: {st}")
        if spans == 0:
            fail("no spans in the Chrome trace")
        r = subprocess.run([irqsim, "run", "--trace", jsonl, scn],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail(f"jsonl run exit {r.returncode}")
        with open(jsonl) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        if len(lines) < 2 or "run" not in lines[0]:
            fail("JSON-lines trace is empty or lacks its run header")
        # the same seed twice gives the same trace (sched backend)
        runs = []
        for _ in range(2):
            r = subprocess.run([irqsim, "run", "--seed", "5", "--trace-format",
                                "jsonl", "--trace", jsonl, scn],
                               capture_output=True, text=True)
            if r.returncode != 0:
                fail(f"seeded run exit {r.returncode}")
            with open(jsonl) as f:
                runs.append(f.read())
        if runs[0] != runs[1]:
            fail("two runs with seed 5 gave different traces")
    print(f"ok: {len(evs)} Chrome events, {spans} spans, {len(lines)} JSON lines,"
          " seeded runs identical")


if __name__ == "__main__":
    main()
