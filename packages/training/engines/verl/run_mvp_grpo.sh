#!/usr/bin/env bash
# GRPO on verl with LongVid MVP / VideoSSR data (Qwen2.5-VL as the policy).
#
# 1. Make the data (any folder of videos) and export it:
#      npx longvid mvp synth videos/ --out data/mvp --samples-per-video 20
#      npx longvid export verl data/mvp --out data/mvp-train.parquet
#    (hold some videos out and export them the same way as data/mvp-val.parquet)
# 2. Start the reward service on the machine that runs the reward workers:
#      npx longvid reward serve --port 5000
# 3. Run this script on the GPU node (verl installed, `pip install qwen-vl-utils`).
#
# GRPO knobs, as in packages/training/src/grpo.ts:
#   algorithm.norm_adv_by_std_in_grpo=False        -> Dr. GRPO (no std scaling)
#   actor.clip_ratio_low / clip_ratio_high         -> separate clip range (DAPO clip-higher 0.28)
#   actor.kl_loss_type=low_var_kl                  -> the k3 KL estimator
#   actor.loss_agg_mode=token-mean | seq-mean-token-mean | seq-mean-token-sum-norm (Dr. GRPO)
# verl's DAPO recipe drops zero-variance groups with algorithm.filter_groups.enable=True.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TRAIN="${TRAIN:-data/mvp-train.parquet}"
VAL="${VAL:-data/mvp-val.parquet}"
MODEL="${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}"
export LONGVID_REWARD_URL="${LONGVID_REWARD_URL:-http://127.0.0.1:5000/get_reward}"

python3 -m verl.trainer.main_ppo \
  algorithm.adv_estimator=grpo \
  algorithm.norm_adv_by_std_in_grpo=True \
  algorithm.use_kl_in_reward=False \
  data.train_files="$TRAIN" \
  data.val_files="$VAL" \
  data.prompt_key=prompt \
  data.video_key=videos \
  data.train_batch_size=64 \
  data.max_prompt_length=8192 \
  data.max_response_length=512 \
  data.filter_overlong_prompts=True \
  data.truncation=error \
  actor_rollout_ref.model.path="$MODEL" \
  actor_rollout_ref.model.use_remove_padding=True \
  actor_rollout_ref.model.enable_gradient_checkpointing=True \
  actor_rollout_ref.actor.optim.lr=1e-6 \
  actor_rollout_ref.actor.ppo_mini_batch_size=32 \
  actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=2 \
  actor_rollout_ref.actor.use_kl_loss=True \
  actor_rollout_ref.actor.kl_loss_coef=0.01 \
  actor_rollout_ref.actor.kl_loss_type=low_var_kl \
  actor_rollout_ref.actor.clip_ratio_low=0.2 \
  actor_rollout_ref.actor.clip_ratio_high=0.28 \
  actor_rollout_ref.actor.loss_agg_mode=token-mean \
  actor_rollout_ref.rollout.name=vllm \
  actor_rollout_ref.rollout.n=8 \
  actor_rollout_ref.rollout.temperature=1.0 \
  actor_rollout_ref.rollout.gpu_memory_utilization=0.6 \
  actor_rollout_ref.rollout.tensor_model_parallel_size=2 \
  actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=4 \
  actor_rollout_ref.ref.log_prob_micro_batch_size_per_gpu=4 \
  custom_reward_function.path="$HERE/../longvid_reward.py" \
  custom_reward_function.name=compute_score \
  trainer.logger='["console"]' \
  trainer.project_name=longvid \
  trainer.experiment_name=mvp_grpo \
  trainer.n_gpus_per_node="${GPUS:-8}" \
  trainer.nnodes=1 \
  trainer.save_freq=50 \
  trainer.test_freq=10 \
  trainer.total_epochs=3 "$@"
