#!/usr/bin/env bash
# OpenRLHF with the LongVid reward service as its remote reward model. OpenRLHF posts
# {"query", "prompts", "labels"} to --remote_rm_url; --label_key names the dataset column holding the
# reward target, i.e. `answer` in the JSONL written by `npx longvid export easyr1 ... --out train.jsonl`.
# Start the service first: npx longvid reward serve --host 0.0.0.0 --port 5000
# (OpenRLHF's multimodal support differs between versions; this shows the reward wiring.)
set -euo pipefail
RM_URL="${RM_URL:-http://127.0.0.1:5000/get_reward}"
python3 -m openrlhf.cli.train_ppo_ray \
  --pretrain "${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}" \
  --remote_rm_url "$RM_URL" \
  --prompt_data "${TRAIN:-data/mvp-train.jsonl}" \
  --input_key problem \
  --label_key answer \
  --advantage_estimator group_norm \
  --n_samples_per_prompt 8 \
  --init_kl_coef 0.01 \
  --use_kl_loss \
  --kl_estimator k3 \
  --vllm_num_engines "${VLLM_ENGINES:-2}" \
  --save_path "${SAVE:-checkpoints/mvp_grpo}" "$@"
