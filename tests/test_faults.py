# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Fault drills: nothing lost when things go wrong."""

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest
import tensorflow as tf

from helpers import QUICK, ROOT, run_script
from helpers import (LOG_LINE, PRECISION_LINE, write_checkpoint_of_other_width,
                     write_constant_checkpoint)

pytestmark = pytest.mark.slow

ENV = dict(os.environ, PYTHONUNBUFFERED='1', TF_CPP_MIN_LOG_LEVEL='2')


class Trainer(object):
  """A training script running in the background, its output in a file."""

  def __init__(self, tmp_path, name, script, *args, preexec_fn=None):
    self.log_path = str(tmp_path / (name + '.log'))
    with open(self.log_path, 'w') as log:
      self.proc = subprocess.Popen(
          [sys.executable, os.path.join(ROOT, script)] + list(args),
          cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT,
          preexec_fn=preexec_fn)

  @property
  def output(self):
    with open(self.log_path) as f:
      return f.read()

  def wait_for(self, pattern, timeout=180):
    deadline = time.time() + timeout
    while not re.search(pattern, self.output):
      assert self.proc.poll() is None, 'exited early:\n' + self.output[-3000:]
      assert time.time() < deadline, 'no %r in:\n%s' % (pattern,
                                                       self.output[-3000:])
      time.sleep(0.2)

  def wait(self, timeout):
    return self.proc.wait(timeout=timeout)

  def kill(self):
    if self.proc.poll() is None:
      self.proc.kill()
      self.proc.wait()


@pytest.fixture
def trainers():
  started = []
  yield started
  for trainer in started:
    trainer.kill()


def _checkpoint_step(train_dir):
  path = tf.train.latest_checkpoint(train_dir)
  return int(tf.train.load_variable(path, 'global_step')) if path else None


@pytest.mark.parametrize('script,signum,extra', [
    ('cifar10_train.py', signal.SIGTERM, ()),
    ('cifar10_multi_gpu_train.py', signal.SIGINT, ('--num_gpus=2',)),
])
def test_signal_saves_the_current_step_and_exits(
    script, signum, extra, fake_data_root, tmp_path, trainers):
  train_dir = str(tmp_path / 'train')
  trainer = Trainer(tmp_path, 'train', script, '--fake_data',
                    '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
                    '--max_steps=100000', '--log_frequency=5',
                    '--batch_size=32', *(QUICK + extra))
  trainers.append(trainer)
  trainer.wait_for(r'step 10, loss')
  trainer.proc.send_signal(signum)
  start = time.time()
  assert trainer.wait(timeout=30) == 128 + signum
  assert time.time() - start < 15
  out = trainer.output
  name = signal.Signals(signum).name
  assert '%s received: saving a checkpoint' % name in out
  match = re.search(r'Stopped by %s; checkpoint saved: (.*model\.ckpt-(\d+))$'
                    % name, out, re.M)
  assert match, out[-2000:]
  assert int(match.group(2)) >= 10
  assert _checkpoint_step(train_dir) == int(match.group(2))
  assert 'Traceback' not in out


def test_signal_while_the_queue_fills_stops_within_seconds(
    fake_data_root, tmp_path, trainers):
  train_dir = str(tmp_path / 'train')
  # The default queue: 20,000 images to preprocess before the first step.
  trainer = Trainer(tmp_path, 'train', 'cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
                    '--num_preprocess_threads=2')
  trainers.append(trainer)
  deadline = time.time() + 120
  while not tf.train.latest_checkpoint(train_dir):  # Saved at session start.
    assert trainer.proc.poll() is None and time.time() < deadline
    time.sleep(0.2)
  trainer.proc.send_signal(signal.SIGTERM)
  start = time.time()
  assert trainer.wait(timeout=60) == 128 + signal.SIGTERM
  assert time.time() - start < 15
  assert 'Stopped by SIGTERM; checkpoint saved:' in trainer.output


def test_one_trainer_per_train_dir_and_no_stale_lock(
    fake_data_root, tmp_path, trainers):
  train_dir = str(tmp_path / 'train')
  args = ('--fake_data', '--data_dir=' + fake_data_root,
          '--train_dir=' + train_dir, '--batch_size=32') + QUICK
  first = Trainer(tmp_path, 'first', 'cifar10_train.py', '--max_steps=100000',
                  '--save_checkpoint_secs=1', *args)
  trainers.append(first)
  first.wait_for(r'step 20, loss')

  second = run_script('cifar10_train.py', '--max_steps=100000', *args,
                      check=False, timeout=120)
  assert second.returncode == 1
  assert re.search(r'error: --train_dir=.* is in use by another trainer '
                   r'\(pid %d on .*\): wait for it to finish'
                   % first.proc.pid, second.stderr)

  first.proc.send_signal(signal.SIGKILL)  # Leaves trainer.lock behind.
  first.wait(timeout=30)
  assert os.path.exists(os.path.join(train_dir, 'trainer.lock'))
  step = _checkpoint_step(train_dir)
  third = run_script('cifar10_train.py', '--max_steps=%d' % (step + 5),
                     '--log_frequency=1', *args, timeout=180)
  assert 'Resuming from' in third.stdout and 'at step %d.' % step in (
      third.stdout)
  assert _checkpoint_step(train_dir) == step + 5


def _under_a_file(tmp_path):
  blocker = tmp_path / 'a_file'
  blocker.write_text('not a folder')
  return str(blocker / 'sub')


def test_unwritable_train_dir_is_reported_before_work(tmp_path):
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=%s' % tmp_path,
                    '--train_dir=' + _under_a_file(tmp_path),
                    check=False, timeout=120)
  assert proc.returncode == 1
  assert re.search(r'cifar10_train.py: error: cannot create --train_dir=.*'
                   r'a_file/sub .*choose a folder you can write to',
                   proc.stderr.strip().splitlines()[-1])
  assert 'Filling queue' not in proc.stdout


def test_unwritable_eval_dir_is_reported_before_work(tmp_path):
  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=%s' % tmp_path,
                    '--eval_dir=' + _under_a_file(tmp_path),
                    check=False, timeout=120)
  assert proc.returncode == 1
  assert re.search(r'cifar10_eval.py: error: cannot create --eval_dir=.*'
                   r'a_file/sub .*choose a folder you can write to',
                   proc.stderr.strip().splitlines()[-1])


def test_data_vanishing_mid_run_stops_with_a_saved_checkpoint(
    small_data_dir, tmp_path, trainers):
  data_dir = tmp_path / 'data'
  batches = str(data_dir / 'cifar-10-batches-bin')
  shutil.copytree(small_data_dir, batches)
  train_dir = str(tmp_path / 'train')
  trainer = Trainer(tmp_path, 'train', 'cifar10_train.py',
                    '--data_dir=%s' % data_dir, '--train_dir=' + train_dir,
                    '--max_steps=100000', '--log_frequency=5',
                    '--batch_size=32', '--num_preprocess_threads=2',
                    '--min_fraction_of_examples_in_queue=0.002')
  trainers.append(trainer)
  trainer.wait_for(r'step 5, loss')
  for name in os.listdir(batches):
    os.remove(os.path.join(batches, name))
  assert trainer.wait(timeout=120) == 1
  out = trainer.output
  last_logged = int(LOG_LINE.findall(out)[-1][0])
  match = re.match(r'cifar10_train.py: error: training failed \(NotFoundError:'
                   r' .*data_batch_\d.bin.*\); the newest checkpoint is '
                   r'.*model\.ckpt-(\d+) \(step \1\)\. Fix the cause',
                   out.strip().splitlines()[-1])
  assert match, out[-3000:]
  # Saved when it stopped: at or after the last step it logged.
  assert _checkpoint_step(train_dir) == int(match.group(1)) > last_logged


def test_nan_loss_names_the_step_and_keeps_the_last_good_checkpoint(
    fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  # A learning rate that diverges within a few steps.
  code = ('import sys; sys.argv[0] = "cifar10_train.py"; import cifar10; '
          'cifar10.INITIAL_LEARNING_RATE = 1e4; import cifar10_train; '
          'cifar10_train.run()')
  proc = subprocess.run(
      [sys.executable, '-c', code, '--fake_data',
       '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
       '--max_steps=200', '--log_frequency=1', '--save_checkpoint_secs=1',
       '--batch_size=32'] + list(QUICK),
      cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180)
  assert proc.returncode == 1
  last = proc.stderr.strip().splitlines()[-1]
  match = re.match(r'cifar10_train.py: error: the loss became NaN at step '
                   r'(\d+); the last good checkpoint \((.*)\) is kept, and a '
                   r'new run resumes from it\. Lower the learning rate', last)
  assert match, proc.stderr[-2000:]
  nan_step = int(match.group(1))
  # Checkpoint N holds the weights whose loss was NaN: the one kept is older.
  kept = _checkpoint_step(train_dir)
  assert kept < nan_step
  assert tf.train.latest_checkpoint(train_dir) == match.group(2)
  reader = tf.train.load_checkpoint(train_dir)
  import numpy as np  # pylint: disable=g-import-not-at-top
  for name in ('conv1/weights', 'softmax_linear/biases'):
    assert np.all(np.isfinite(reader.get_tensor(name)))


def _small_files_only():
  """In the child: files above 1 MB fail to grow (EFBIG), like a full disk."""
  signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
  resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_failed_checkpoint_write_leaves_the_previous_one_usable(
    fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  args = ('--fake_data', '--data_dir=' + fake_data_root,
          '--train_dir=' + train_dir, '--batch_size=32') + QUICK
  run_script('cifar10_train.py', '--max_steps=5', *args)
  assert _checkpoint_step(train_dir) == 5
  proc = subprocess.run(
      [sys.executable, os.path.join(ROOT, 'cifar10_train.py'),
       '--max_steps=50'] + list(args),
      cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180,
      preexec_fn=_small_files_only)
  assert proc.returncode == 1
  last = proc.stderr.strip().splitlines()[-1]
  assert re.match(r'cifar10_train.py: error: training failed \(.*\); the '
                  r'newest checkpoint is .*model\.ckpt-5 \(step 5\)\. Fix the '
                  r'cause \(the data files, the space', last), (
                      proc.stderr[-2000:])
  assert 'Traceback' not in proc.stderr
  # The previous checkpoint still restores and evaluates.
  assert _checkpoint_step(train_dir) == 5
  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=' + fake_data_root,
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'),
                    '--num_examples=200')
  assert PRECISION_LINE.search(proc.stdout)


def test_polling_eval_skips_a_rotated_checkpoint_and_goes_on(
    fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  for step in (100, 200, 300):
    write_constant_checkpoint(train_dir, step, raw_class=0, shadow_class=1)
  # As one trainer's saver lists them, newest last.
  tf.compat.v1.train.update_checkpoint_state(
      train_dir, 'model.ckpt-300',
      all_model_checkpoint_paths=['model.ckpt-100', 'model.ckpt-200',
                                  'model.ckpt-300'])
  # Rotated away after being listed: the files go, the listing stays.
  for name in os.listdir(train_dir):
    if name.startswith('model.ckpt-200.'):
      os.remove(os.path.join(train_dir, name))
  log_path = str(tmp_path / 'eval.log')
  with open(log_path, 'w') as log:
    evaluator = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'cifar10_eval.py'), '--fake_data',
         '--data_dir=' + fake_data_root, '--checkpoint_dir=' + train_dir,
         '--eval_dir=%s' % (tmp_path / 'eval'), '--eval_interval_secs=1',
         '--num_examples=100'],
        cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT)
  try:
    deadline = time.time() + 120
    while len(PRECISION_LINE.findall(open(log_path).read())) < 2:
      assert evaluator.poll() is None and time.time() < deadline
      time.sleep(0.5)
    time.sleep(3)
    assert evaluator.poll() is None  # Still polling: it did not crash.
  finally:
    evaluator.kill()
    evaluator.wait()
  out = open(log_path).read()
  assert re.findall(r'images from .*, step (\d+)', out) == ['100', '300']
  assert len(re.findall(r'model\.ckpt-200 was removed before it could be '
                        r'evaluated; skipping it', out)) == 1
  assert 'Traceback' not in out


def test_evaluator_refuses_misfit_weights_skips_them_and_restarts_cleanly(
    fake_data_root, tmp_path, trainers):
  train_dir, eval_dir = str(tmp_path / 'train'), str(tmp_path / 'eval')
  os.makedirs(train_dir)
  # As after an edit of inference(): local3 of 100 units, not 384.
  write_checkpoint_of_other_width(train_dir, local3_units=100)
  args = ('--fake_data', '--data_dir=' + fake_data_root,
          '--checkpoint_dir=' + train_dir, '--eval_dir=' + eval_dir,
          '--num_examples=200')
  proc = run_script('cifar10_eval.py', '--run_once', *args, check=False)
  assert proc.returncode == 1
  assert re.match(r'cifar10_eval.py: error: cannot evaluate .*model\.ckpt-7: '
                  r'it holds local3/\S+ of shape \[\d+(, \d+)?\] where the '
                  r'model has', proc.stderr.strip().splitlines()[-1])
  assert not PRECISION_LINE.search(proc.stdout)
  assert 'Traceback' not in proc.stderr

  polling = ('--eval_interval_secs=1',) + args
  evaluator = Trainer(tmp_path, 'eval', 'cifar10_eval.py', *polling)
  trainers.append(evaluator)
  evaluator.wait_for(r'cannot evaluate .*model\.ckpt-7: .*; skipping it\.')
  write_constant_checkpoint(train_dir, 20, raw_class=0, shadow_class=1)
  evaluator.wait_for(r'precision @ 1 = \d')
  assert 'model.ckpt-20, step 20' in evaluator.output

  second = run_script('cifar10_eval.py', *polling, check=False, timeout=120)
  assert second.returncode == 1
  assert re.search(r'error: --eval_dir=.* is in use by another evaluator',
                   second.stderr)

  evaluator.proc.send_signal(signal.SIGTERM)
  assert evaluator.wait(timeout=30) == 128 + signal.SIGTERM
  assert 'Stopped by SIGTERM.' in evaluator.output
  assert 'Traceback' not in evaluator.output

  # Restarted, it goes on after step 20 instead of evaluating it again.
  again = Trainer(tmp_path, 'again', 'cifar10_eval.py', *polling)
  trainers.append(again)
  again.wait_for(r'waiting for a new checkpoint')
  time.sleep(3)
  assert not PRECISION_LINE.search(again.output)
