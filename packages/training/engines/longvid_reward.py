"""LongVid reward shim for Python RL engines (verl, EasyR1).

Scores responses by POSTing them to the LongVid reward service (`longvid reward serve`), which speaks
OpenRLHF's remote reward protocol: {"query": [...], "prompts": [...], "labels": [...]} ->
{"rewards": [...], "scores": [...], "extra_logs": {...}}. The label is the sample's reward target,
exported by `longvid export` as verl's reward_model.ground_truth / EasyR1's answer column.

Only the Python standard library is used. The service URL comes from the environment variable
LONGVID_REWARD_URL (default http://127.0.0.1:5000/get_reward).

verl:   custom_reward_function.path=<this file> custom_reward_function.name=compute_score
EasyR1: worker.reward.reward_function=<this file>:compute_score
"""

import json
import os
import time
import urllib.request

REWARD_URL = os.environ.get("LONGVID_REWARD_URL", "http://127.0.0.1:5000/get_reward")

# EasyR1 reads these module attributes to tell a batch reward function from a sequential one.
REWARD_NAME = "longvid"
REWARD_TYPE = "batch"


def _post(responses, labels, retries=5):
    body = json.dumps({"query": list(responses), "prompts": [""] * len(responses), "labels": list(labels)}).encode("utf-8")
    for attempt in range(retries):
        try:
            request = urllib.request.Request(REWARD_URL, data=body, headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=180) as reply:
                return json.loads(reply.read().decode("utf-8"))
        except Exception:  # noqa: BLE001 - retried, then raised
            if attempt == retries - 1:
                raise
            time.sleep(1 + attempt)
    raise RuntimeError("unreachable")


def compute_score(*args, **kwargs):
    """Reward of one response (verl) or of a batch (EasyR1).

    verl calls compute_score(data_source, solution_str, ground_truth, extra_info=None) and expects a float.
    EasyR1 calls compute_score(reward_inputs) with a list of {"response": ..., "ground_truth": ...}
    and expects a list of {"overall": ..., "format": ..., "accuracy": ...}.
    """
    if len(args) == 1 and isinstance(args[0], list):
        inputs = args[0]
        reply = _post([item["response"] for item in inputs], [item["ground_truth"] for item in inputs])
        formats = reply.get("extra_logs", {}).get("format_valid", [1.0] * len(inputs))
        return [{"overall": float(r), "format": float(f), "accuracy": float(r)} for r, f in zip(reply["rewards"], formats)]
    solution_str = args[1] if len(args) > 1 else kwargs["solution_str"]
    ground_truth = args[2] if len(args) > 2 else kwargs["ground_truth"]
    return float(_post([solution_str], [ground_truth])["rewards"][0])
