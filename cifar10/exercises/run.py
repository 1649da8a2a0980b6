# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Measures the tutorial's exercises: the figures of cifar10/exercises.md.

Each exercise is a patch in this folder. For each, the suite's modules are
copied into --work_dir, the patch is applied to the copy, and the copy's
own commands train and evaluate, as a reader would after making the edit.
The checkout itself is never changed.

Two parts, because precision does not depend on what else the machine is
doing, and speed does:

  python cifar10/exercises/run.py --part=precision   # long: an hour or more
  python cifar10/exercises/run.py --part=speed       # minutes; idle machine

precision (real data, --seed=1 --deterministic, so that every variant
sees the same images in the same order):
  baseline  today's files to --steps, evaluated at --short_steps and --steps
  1         softmax inside inference(), naive and right, at --short_steps
  2         local3 and local4 locally connected, to --steps
  3         min_fraction_of_examples_in_queue 0.05, at --short_steps
  4         the checkpoints of the baseline, and of --long_run_dir if given,
            evaluated with and without the moving averages
  6         SVHN, only with --svhn_dir (train_32x32.mat and test_32x32.mat)
speed (real data, --speed_steps steps each, fresh processes):
  2         sec/batch of the baseline and of the locally connected layers
  3         seconds from the queue's filling line to the first step, for
            fractions 0.4 and 0.05
  5         images/s of one tower of 128 and of two towers of 64

Results go to --work_dir/results_<part>.json and are printed as a table.
"""

import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.dirname(os.path.dirname(HERE))

# The lines the suite prints, as the figures are read from them.
STEP_LINE = re.compile(r': step (\d+), loss = ([\d.]+|nan) '
                       r'\(([\d.]+) examples/sec; ([\d.]+) sec/batch\)')
PRECISION_LINE = re.compile(r'precision @ 1 = ([\d.]+)')

SAME_RUN = ['--seed=1', '--deterministic']


def suite_copy(work_dir, name, *patches):
  """Copies the suite's modules into work_dir/name/code, then applies
  `patches` (files of this folder) there, in turn. Returns the copy's
  folder."""
  code = os.path.join(work_dir, name, 'code')
  shutil.rmtree(code, ignore_errors=True)
  os.makedirs(code)
  for path in glob.glob(os.path.join(SUITE, 'cifar10*.py')):
    shutil.copy(path, code)
  for patch in patches:
    subprocess.run(['git', 'apply', os.path.join(HERE, patch)], cwd=code,
                   check=True)
  return code


def run_command(code, script, flags):
  """Runs one of the copy's commands; returns its lines, each with the
  seconds since the start at which it came."""
  command = [sys.executable, '-u', os.path.join(code, script)] + flags
  print('+ ' + ' '.join(command[2:]), flush=True)
  start = time.monotonic()
  lines = []
  with subprocess.Popen(command, cwd=code, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True) as process:
    for line in process.stdout:
      lines.append((time.monotonic() - start, line.rstrip('\n')))
  if process.returncode:
    sys.exit('%s failed (exit status %d); its last lines:\n%s'
             % (script, process.returncode,
                '\n'.join(text for _, text in lines[-10:])))
  return lines


def train(code, train_dir, steps, flags=()):
  """Trains the copy from scratch to `steps`.

  Returns:
    {'steps': [(step, loss, examples/sec, sec/batch)], 'first_step_secs':
    seconds from the queue's filling line to the first step line,
    'notes': the lines starting 'Note:'}.
  """
  lines = run_command(code, 'cifar10_train.py', [
      '--train_dir=' + train_dir, '--fresh_start', '--max_steps=%d' % steps,
      '--log_frequency=100'] + list(flags))
  return summarize_training(lines)


def summarize_training(lines):
  steps, filled, first = [], None, None
  for at, text in lines:
    match = STEP_LINE.search(text)
    if match:
      first = first if first is not None else at
      steps.append((int(match.group(1)), float(match.group(2)),
                    float(match.group(3)), float(match.group(4))))
    elif 'Filling' in text and filled is None:
      filled = at
  return {'steps': steps,
          'first_step_secs': (None if filled is None or first is None
                              else round(first - filled, 1)),
          'notes': [text for _, text in lines if text.startswith('Note:')]}


def evaluate(code, checkpoint, eval_dir):
  """Precision @ 1 of one checkpoint on the test images, by the copy's
  cifar10_eval.py."""
  lines = run_command(code, 'cifar10_eval.py', [
      '--checkpoint_path=' + checkpoint, '--eval_dir=' + eval_dir])
  for _, text in lines:
    match = PRECISION_LINE.search(text)
    if match:
      return float(match.group(1))
  sys.exit('no precision line from cifar10_eval.py for ' + checkpoint)


def _tensorflow():
  """TensorFlow, loaded as the suite's commands load it: quietly."""
  if SUITE not in sys.path:
    sys.path.insert(0, SUITE)
  import cifar10_prepare  # pylint: disable=g-import-not-at-top
  return cifar10_prepare.load_tensorflow()


def cross_entropy(train_dir, steps):
  """TensorBoard's `cross_entropy` (the loss's moving average) at the last
  summary at or before each of `steps`: {step: value}."""
  tf = _tensorflow()
  points = {}
  for path in glob.glob(os.path.join(train_dir, 'events.out.tfevents.*')):
    for event in tf.compat.v1.train.summary_iterator(path):
      for value in event.summary.value:
        if value.tag == 'cross_entropy':
          points[event.step] = value.simple_value
  return {n: round(points[max(s for s in points if s <= n)], 3)
          for n in steps if any(s <= n for s in points)}


def parameter_count(checkpoint):
  """Weights and biases in a checkpoint, moving averages left out."""
  tf = _tensorflow()
  shapes = tf.train.load_checkpoint(checkpoint).get_variable_to_shape_map()
  count = 0
  for name, shape in shapes.items():
    if name.endswith(('/weights', '/biases')):
      size = 1
      for dim in shape:
        size *= dim
      count += size
  return count


def median_rate(steps, skip):
  """Median examples/sec and sec/batch of the step lines after `skip`."""
  kept = [s for s in steps if s[0] > skip] or steps
  return (round(statistics.median(s[2] for s in kept), 1),
          round(statistics.median(s[3] for s in kept), 3))


def precision_part(args, data):
  """The precision figures (see the module's docstring)."""
  work, short, steps = args.work_dir, args.short_steps, args.steps
  results = {}

  def checkpoints(name, step):
    return os.path.join(work, name, 'train', 'model.ckpt-%d' % step)

  stock = suite_copy(work, 'baseline')

  def trained(name, patch, max_steps, at=()):
    # Measured once: a second call of run.py reads the figures back.
    done = os.path.join(work, name, 'figures.json')
    train_dir = os.path.join(work, name, 'train')
    steps_evaluated = sorted(set(at) | {max_steps})
    if os.path.exists(done):
      with open(done) as f:
        figures = json.load(f)
    else:
      code = stock if patch is None else suite_copy(work, name, patch)
      # A checkpoint every short_steps, all of them kept (five at most).
      run = train(code, train_dir, max_steps,
                  data + SAME_RUN + ['--save_checkpoint_steps=%d' % short])
      figures = {
          'precision': {n: evaluate(code, checkpoints(name, n),
                                    os.path.join(work, name, 'eval'))
                        for n in steps_evaluated},
          'last_loss': run['steps'][-1][:2] if run['steps'] else None,
          'parameters': parameter_count(checkpoints(name, max_steps))}
    if 'cross_entropy' not in figures:
      figures['cross_entropy'] = cross_entropy(train_dir, steps_evaluated)
    with open(done, 'w') as f:
      json.dump(figures, f)
    return figures

  wanted = args.exercises
  results['baseline'] = trained('baseline', None, steps, at=[short])
  if '1' in wanted:
    results['1_softmax_naive'] = trained('1_softmax_naive',
                                         '1_softmax_naive.patch', short)
    results['1_softmax'] = trained('1_softmax', '1_softmax.patch', short)
  if '2' in wanted:
    results['2_local_layers'] = trained('2_local_layers',
                                        '2_local_layers.patch', steps,
                                        at=[short])
  if '3' in wanted:
    results['3_smaller_queue'] = trained('3_smaller_queue',
                                         '3_smaller_queue.patch', short)
  if '4' in wanted:
    raw = suite_copy(work, '4_no_moving_averages',
                     '4_no_moving_averages.patch')
    found = [checkpoints('baseline', n) for n in (short, steps)]
    if args.long_run_dir:
      found += sorted(
          (p[:-len('.index')] for p in
           glob.glob(os.path.join(args.long_run_dir, 'model.ckpt-*.index'))),
          key=lambda p: int(p.rsplit('-', 1)[1]))
    every = {}
    for path in found:
      step = int(path.rsplit('-', 1)[1])
      if args.long_run_dir and path.startswith(args.long_run_dir):
        if step not in args.long_run_steps:
          continue
        label = 'long run, step %d' % step
      else:
        label = 'baseline, step %d' % step
      eval_dir = os.path.join(work, '4_no_moving_averages', 'eval')
      every[label] = {'averages': evaluate(stock, path, eval_dir + '_avg'),
                      'raw': evaluate(raw, path, eval_dir + '_raw')}
    results['4_no_moving_averages'] = every
  if '6' in wanted and args.svhn_dir:
    svhn_data = os.path.join(work, '6_svhn', 'data')
    subprocess.run([sys.executable, os.path.join(HERE, 'svhn_to_records.py'),
                    args.svhn_dir, svhn_data, '--overwrite'], check=True)
    code = suite_copy(work, '6_svhn', '6_svhn.patch')
    train(code, os.path.join(work, '6_svhn', 'train'), steps,
          ['--data_dir=' + svhn_data] + SAME_RUN)
    results['6_svhn'] = {'precision': {steps: evaluate(
        code, checkpoints('6_svhn', steps), os.path.join(work, '6_svhn',
                                                         'eval'))}}
  return results


def speed_part(args, data):
  """The speed figures (see the module's docstring)."""
  work, n = args.work_dir, args.speed_steps
  quick = data + ['--min_fraction_of_examples_in_queue=0.05']
  stock = suite_copy(work, 'baseline')
  results = {}

  def timed(code, script, name, flags):
    lines = run_command(code, script, [
        '--train_dir=' + os.path.join(work, 'speed', name), '--fresh_start',
        '--max_steps=%d' % n, '--log_frequency=10'] + flags)
    run = summarize_training(lines)
    images, secs = median_rate(run['steps'], skip=20)
    return {'images_per_sec': images, 'sec_per_batch': secs,
            'first_step_secs': run['first_step_secs'],
            'notes': run['notes']}

  wanted = args.exercises
  if '2' in wanted:
    local = suite_copy(work, '2_local_layers', '2_local_layers.patch')
    results['2'] = {
        'baseline': timed(stock, 'cifar10_train.py', 'baseline', quick),
        'local_layers': timed(local, 'cifar10_train.py', 'local', quick)}
  if '3' in wanted:
    smaller = suite_copy(work, '3_smaller_queue', '3_smaller_queue.patch')
    results['3'] = {
        'fraction 0.4': timed(stock, 'cifar10_train.py', 'queue_0.4', data),
        'fraction 0.05': timed(smaller, 'cifar10_train.py', 'queue_0.05',
                               data)}
  if '5' in wanted:
    results['5'] = {
        'one tower of 128': timed(stock, 'cifar10_train.py', 'one_tower',
                                  quick),
        'two towers of 64': timed(stock, 'cifar10_multi_gpu_train.py',
                                  'two_towers',
                                  quick + ['--num_gpus=2', '--batch_size=64'])}
  return results


def main():
  parser = argparse.ArgumentParser(
      description=__doc__.split('\n\n')[0],
      formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument('--part', choices=['precision', 'speed'],
                      default='precision')
  parser.add_argument('--data_dir', default='/tmp/cifar10_data',
                      help='The CIFAR-10 data (as cifar10-train downloads '
                      'it), read by every run.')
  parser.add_argument('--work_dir', default='/tmp/cifar10_exercises',
                      help='Where the patched copies, their checkpoints and '
                      'the results go.')
  parser.add_argument('--steps', type=int, default=4000,
                      help='Steps of the baseline and of exercise 2.')
  parser.add_argument('--short_steps', type=int, default=1000,
                      help='Steps of exercises 1 and 3; the baseline is '
                      'evaluated there too.')
  parser.add_argument('--speed_steps', type=int, default=200,
                      help='Steps of each run of the speed part.')
  parser.add_argument('--exercises', default='123456',
                      help='Which exercises to measure, as digits.')
  parser.add_argument('--long_run_dir', default=None,
                      help='A folder of checkpoints of a long run: exercise '
                      '4 evaluates those at --long_run_steps both ways.')
  parser.add_argument('--long_run_steps',
                      default='5000,10000,20000,40000,60000',
                      help='Steps of the long run to evaluate, by commas.')
  parser.add_argument('--svhn_dir', default=None,
                      help='A folder with SVHN\'s train_32x32.mat and '
                      'test_32x32.mat: exercise 6 trains on it.')
  args = parser.parse_args()
  args.long_run_steps = {int(s) for s in args.long_run_steps.split(',')}
  if not os.path.isdir(args.data_dir):
    sys.exit('--data_dir=%s is not a folder: give the CIFAR-10 data '
             '(cifar10-train downloads it there)' % args.data_dir)
  if args.steps % args.short_steps or args.steps > 5 * args.short_steps:
    sys.exit('--steps=%d must be a multiple of --short_steps=%d, and at '
             'most five times it (a trainer keeps five checkpoints)'
             % (args.steps, args.short_steps))
  os.makedirs(args.work_dir, exist_ok=True)
  data = ['--data_dir=' + args.data_dir]
  part = precision_part if args.part == 'precision' else speed_part
  results = part(args, data)
  path = os.path.join(args.work_dir, 'results_%s.json' % args.part)
  with open(path, 'w') as f:
    json.dump(results, f, indent=1, sort_keys=True)
  print(json.dumps(results, indent=1, sort_keys=True))
  print('Written to ' + path)


if __name__ == '__main__':
  main()
