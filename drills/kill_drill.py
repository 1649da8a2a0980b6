# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Kill drill: SIGKILL cifar10_train.py at random moments, then resume.

Each round starts the trainer on the synthetic data (checkpointing every
second) and kills it with SIGKILL: in odd rounds at a random moment (while
TensorFlow loads, while the queue fills, mid-step), in even rounds the moment
a checkpoint save is seen in progress. After each kill the drill checks that
the newest checkpoint restores; the next round checks that the trainer
resumes from exactly that checkpoint and never goes back past it. At the end
it trains a few more steps to completion and evaluates with
`cifar10_eval.py --run_once`.

Usage, from the top of the checkout:

  python drills/kill_drill.py                 # 12 kills, about 3 minutes
  python drills/kill_drill.py --kills=30 --work_dir=/tmp/kill_drill

It prints one line per round and a verdict; the exit status is 0 only if
every check held.
"""

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

import tensorflow as tf  # pylint: disable=g-import-not-at-top

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESUMED = re.compile(r'Resuming from .*model\.ckpt-\d+ at step (\d+)\.')
LOGGED = re.compile(r': step (\d+), loss = ')


def newest_step(train_dir):
  """Global step of the newest checkpoint, read through TensorFlow.

  Raises if the checkpoint that the state file names does not restore.
  """
  path = tf.train.latest_checkpoint(train_dir)
  if path is None:
    return None
  return int(tf.train.load_variable(path, 'global_step'))


def _read(path):
  with open(path) as f:
    return f.read()


def saving(train_dir):
  """True while a checkpoint save has temporary files in train_dir."""
  try:
    return any('_temp' in name or 'tempstate' in name
               for name in os.listdir(train_dir))
  except OSError:
    return False


def start(args, log_path, extra=()):
  with open(log_path, 'w') as log:
    return subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'cifar10_train.py'),
         '--fake_data', '--data_dir=' + args.data_dir,
         '--train_dir=' + args.train_dir, '--batch_size=32',
         '--save_checkpoint_secs=1', '--log_frequency=5',
         '--min_fraction_of_examples_in_queue=0.02',
         '--num_preprocess_threads=2'] + list(extra),
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def run_round(index, args, rng, expected):
  """Starts, kills and checks one trainer; returns (ok, newest step, note)."""
  log_path = os.path.join(args.work_dir, 'round%02d.log' % index)
  proc = start(args, log_path, ['--max_steps=1000000'])
  began = time.time()
  during_save = index % 2 == 0
  if during_save:
    # Once training is under way, wait for a save to be in progress (one a
    # second), then kill at once.
    deadline = began + 180
    while time.time() < deadline and not LOGGED.search(_read(log_path)):
      time.sleep(0.05)
    while time.time() < deadline and not saving(args.train_dir):
      time.sleep(0.002)
    moment = 'during a save'
  else:
    time.sleep(rng.uniform(0.5, 20.0))
    moment = 'at random'
  proc.send_signal(signal.SIGKILL)
  proc.wait()
  killed_after = time.time() - began
  out = _read(log_path)
  problems = []
  resumed = RESUMED.search(out)
  if expected is not None and resumed and int(resumed.group(1)) != expected:
    problems.append('resumed at step %s, newest checkpoint was %d'
                    % (resumed.group(1), expected))
  logged = [int(s) for s in LOGGED.findall(out)]
  if expected is not None and logged and logged[0] < expected:
    problems.append('logged step %d, before checkpoint %d'
                    % (logged[0], expected))
  if 'Traceback' in out or 'cifar10_train.py: error:' in out:
    problems.append('an error in the output: see ' + log_path)
  try:
    step = newest_step(args.train_dir)
  except (tf.errors.OpError, ValueError) as e:
    problems.append('newest checkpoint does not restore: %s' % e)
    step = expected
  if expected is not None and (step is None or step < expected):
    problems.append('checkpoint went back from %d to %s' % (expected, step))
  note = '%-13s after %5.1f s: resumed from %-6s newest checkpoint %-6s %s' % (
      moment, killed_after, resumed.group(1) if resumed else '-',
      step if step is not None else '-',
      '; '.join(problems) or 'ok')
  return not problems, step, note


def main():
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--kills', type=int, default=12,
                      help='How many times to kill the trainer (>= 10).')
  parser.add_argument('--work_dir', default='/tmp/cifar10_kill_drill',
                      help='Scratch folder; emptied first.')
  parser.add_argument('--seed', type=int, default=0,
                      help='Seed of the random kill moments.')
  args = parser.parse_args()
  if args.kills < 1:
    parser.error('--kills must be at least 1')
  shutil.rmtree(args.work_dir, ignore_errors=True)
  os.makedirs(args.work_dir)
  args.data_dir = os.path.join(args.work_dir, 'data')
  args.train_dir = os.path.join(args.work_dir, 'train')
  rng = random.Random(args.seed)

  all_ok, expected = True, None
  for index in range(1, args.kills + 1):
    ok, expected, note = run_round(index, args, rng, expected)
    all_ok &= ok
    print('kill %2d %s' % (index, note))
    sys.stdout.flush()

  # Finish: resume to a few steps past the newest checkpoint, then evaluate.
  final_step = (expected or 0) + 20
  leftovers = [name for name in os.listdir(args.train_dir) if '_temp' in name]
  if leftovers:
    print('note: unfinished saves of the last kill, removed by the next '
          'start: %s' % ', '.join(leftovers))
  log_path = os.path.join(args.work_dir, 'final.log')
  proc = start(args, log_path, ['--max_steps=%d' % final_step])
  status = proc.wait(timeout=600)
  reached = newest_step(args.train_dir)
  leftovers = [name for name in os.listdir(args.train_dir) if '_temp' in name]
  print('final run: exit status %d, newest checkpoint %s (wanted %d), '
        'unfinished saves left: %d' % (status, reached, final_step,
                                       len(leftovers)))
  all_ok &= status == 0 and reached == final_step and not leftovers
  evaluation = subprocess.run(
      [sys.executable, os.path.join(ROOT, 'cifar10_eval.py'), '--fake_data',
       '--run_once', '--data_dir=' + args.data_dir,
       '--checkpoint_dir=' + args.train_dir,
       '--eval_dir=' + os.path.join(args.work_dir, 'eval'),
       '--num_examples=1000'],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  precision = re.search(r'precision @ 1 = (\S+)', evaluation.stdout)
  print('cifar10_eval.py --run_once: exit status %d, precision @ 1 = %s'
        % (evaluation.returncode, precision.group(1) if precision else '-'))
  all_ok &= evaluation.returncode == 0 and precision is not None
  print('kill drill: %s' % ('PASSED' if all_ok else 'FAILED'))
  return 0 if all_ok else 1


if __name__ == '__main__':
  sys.exit(main())
