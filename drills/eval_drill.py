# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Eval drill: a polling cifar10_eval.py beside a trainer that rotates fast.

The trainer checkpoints every second and keeps the default five, while the
evaluator (looking every second) needs several seconds per checkpoint, so
checkpoints are rotated away under it. The drill watches the `checkpoint`
state file itself, then checks that the evaluator evaluated each checkpoint
at most once, said so for each one it had listed but could not read, and
never crashed.

Usage, from the top of the checkout:

  python drills/eval_drill.py                  # about 2 minutes
  python drills/eval_drill.py --train_secs=120 --work_dir=/tmp/eval_drill

It prints its figures and a verdict; the exit status is 0 only if every check
held.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVALUATED = re.compile(r'images from .*model\.ckpt-(\d+), step (\d+)')
SKIPPED = re.compile(r'Checkpoint .*model\.ckpt-(\d+) was removed before it '
                     r'could be evaluated; skipping it\.')
LISTED = re.compile(r'model\.ckpt-(\d+)')


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--train_secs', type=float, default=60,
                      help='How long the trainer runs.')
  parser.add_argument('--work_dir', default='/tmp/cifar10_eval_drill',
                      help='Scratch folder; emptied first.')
  args = parser.parse_args()
  shutil.rmtree(args.work_dir, ignore_errors=True)
  os.makedirs(args.work_dir)
  data_dir = os.path.join(args.work_dir, 'data')
  train_dir = os.path.join(args.work_dir, 'train')
  env = dict(os.environ, PYTHONUNBUFFERED='1')
  common = ['--fake_data', '--data_dir=' + data_dir]

  def start(script, flags, log_name):
    log = open(os.path.join(args.work_dir, log_name), 'w')
    return subprocess.Popen(
        [sys.executable, os.path.join(ROOT, script)] + common + flags,
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

  trainer = start('cifar10_train.py', [
      '--train_dir=' + train_dir, '--max_steps=1000000', '--batch_size=32',
      '--save_checkpoint_secs=1', '--log_frequency=50',
      '--min_fraction_of_examples_in_queue=0.02',
      '--num_preprocess_threads=2'], 'train.log')
  evaluator = start('cifar10_eval.py', [
      '--checkpoint_dir=' + train_dir,
      '--eval_dir=' + os.path.join(args.work_dir, 'eval'),
      '--eval_interval_secs=1', '--num_examples=10000'], 'eval.log')

  written, state_path = set(), os.path.join(train_dir, 'checkpoint')
  deadline = time.time() + args.train_secs
  try:
    while time.time() < deadline and trainer.poll() is None:
      try:
        with open(state_path) as f:
          written.update(int(s) for s in LISTED.findall(f.read()))
      except OSError:
        pass
      time.sleep(0.1)
    trainer.terminate()
    trainer.wait(timeout=120)
    time.sleep(15)  # Let the evaluator reach the last checkpoint.
    crashed = evaluator.poll() is not None
  finally:
    for proc in (trainer, evaluator):
      if proc.poll() is None:
        proc.kill()
        proc.wait()

  with open(os.path.join(args.work_dir, 'eval.log')) as f:
    out = f.read()
  evaluated = [int(step) for _, step in EVALUATED.findall(out)]
  skipped = [int(step) for step in SKIPPED.findall(out)]
  checks = {
      'at least 5 checkpoints written': len(written) >= 5,
      'each checkpoint evaluated at most once':
          len(evaluated) == len(set(evaluated)),
      'each skip reported once': len(skipped) == len(set(skipped)),
      'nothing both evaluated and skipped': not set(evaluated) & set(skipped),
      'evaluated in step order': evaluated == sorted(evaluated),
      'the evaluator never crashed': not crashed and 'Traceback' not in out,
  }
  print('checkpoints written (seen in the state file): %d' % len(written))
  print('evaluated: %d %s' % (len(evaluated), evaluated))
  print('skipped, with a message: %d %s' % (len(skipped), skipped))
  print('rotated away before the evaluator listed them: %d'
        % len(written - set(evaluated) - set(skipped)))
  for name, held in checks.items():
    print('%-40s %s' % (name, 'ok' if held else 'FAILED'))
  passed = all(checks.values())
  print('eval drill: %s' % ('PASSED' if passed else 'FAILED'))
  return 0 if passed else 1


if __name__ == '__main__':
  sys.exit(main())
