#!/usr/bin/env bash
# OpenRLHF with the LongVid reward service as its remote reward model. OpenRLHF posts
# {"query", "prompts", "labels"} to --reward.remote_url; --data.label_key names the dataset column holding
# the reward target, i.e. `answer` in the JSONL written by `npx longvid export easyr1 ... --out train.jsonl`.
# Start the service first: npx longvid reward serve --host 0.0.0.0 --port 5000
# Flags are OpenRLHF's dotted ones, checked against openrlhf/cli/train_ppo_ray.py at the commit pinned in
# engines/pinned/openrlhf.json (packages/training/src/engines.test.ts).
# OpenRLHF decodes responses with special tokens kept (<|im_end|>); the reward service strips them.
# (OpenRLHF's multimodal input is images per prompt, --data.image_key / --data.max_images_per_prompt;
# this shows the reward wiring.)
set -euo pipefail
RM_URL="${RM_URL:-http://127.0.0.1:5000/get_reward}"
python3 -m openrlhf.cli.train_ppo_ray \
  --actor.model_name_or_path "${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}" \
  --reward.remote_url "$RM_URL" \
  --data.prompt_dataset "${TRAIN:-data/mvp-train.jsonl}" \
  --data.input_key problem \
  --data.label_key answer \
  --algo.advantage.estimator group_norm \
  --rollout.n_samples_per_prompt 8 \
  --algo.kl.init_coef 0.01 \
  --algo.kl.use_loss \
  --algo.kl.estimator k3 \
  --vllm.num_engines "${VLLM_ENGINES:-2}" \
  --ckpt.output_dir "${SAVE:-checkpoints/mvp_grpo}" "$@"
