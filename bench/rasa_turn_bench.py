"""Rasa's part of a turn (NLU + dialogue step), and the memory of each process.

Needs the service running (`make run` in another terminal), or pass --start to start it.
python3 -m bench.rasa_turn_bench [--rasa http://127.0.0.1:5005] [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
import urllib.request
import uuid

from bench.figures import rss_mib, summary_ms

# Turns whose dialogue step is a rule with a response from the domain: no custom action is
# called, so the time is Rasa's own (tokenizer, featurizers, DIET, policies, tracker store).
RASA_ONLY = ["こんにちは", "ありがとう", "何ができるの", "さようなら", "はい"]
# Turns that also call the app's action endpoint (retrieval included).
WITH_ACTION = ["家が火事です", "マイナンバーカードをなくした", "児童手当について"]


def post(url: str, payload: dict) -> float:
    data = json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 - http(s) URLs given on the command line
        url, data=data, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        response.read()
    return time.perf_counter() - started


def process_rss() -> dict[str, float]:
    found: dict[str, float] = {}
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    for line in out.splitlines()[1:]:
        pid, _, args = line.strip().partition(" ")
        if "rasa run" in args and "--enable-api" in args:
            found["rasa"] = rss_mib(int(pid))
        elif "uvicorn app.main:create_app" in args:
            found["app"] = rss_mib(int(pid))
        elif "-m stack run" in args:
            found["supervisor"] = rss_mib(int(pid))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    webhook = f"{args.rasa}/webhooks/rest/webhook"
    parse = f"{args.rasa}/model/parse"

    for text in RASA_ONLY:  # warm-up
        post(webhook, {"sender": "bench-warmup", "message": text})

    nlu = [post(parse, {"text": t}) for _ in range(args.rounds) for t in RASA_ONLY + WITH_ACTION]
    print(f"NLU only (/model/parse): {summary_ms(nlu)}")
    rasa_only = []
    with_action = []
    for _ in range(args.rounds):
        sender = "bench-" + uuid.uuid4().hex[:8]
        rasa_only += [post(webhook, {"sender": sender, "message": t}) for t in RASA_ONLY]
        sender = "bench-" + uuid.uuid4().hex[:8]
        with_action += [post(webhook, {"sender": sender, "message": t}) for t in WITH_ACTION]
    print(
        f"Rasa turn, rule + domain response (NLU + dialogue + tracker store): "
        f"{summary_ms(rasa_only)}"
    )
    print(f"Rasa turn with a custom action on the app: {summary_ms(with_action)}")
    for name, rss in process_rss().items():
        print(f"RSS {name}: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
