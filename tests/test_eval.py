# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10-eval (cifar10_eval.py) end to end on synthetic data: each image
counted once, each checkpoint evaluated once, bad checkpoints skipped; and
its report (cifar10_report.py)."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

import cifar10_data
import cifar10_report
from cifar10_checkpoints import read_scalars
from helpers import (ENV, FINE, PRECISION_LINE, QUICK, ROOT, Trainer,
                     last_line, records_labels,
                     run_script, under_a_file, write_checkpoint_of_other_width,
                     write_constant_checkpoint)


@pytest.mark.slow
def test_training_then_eval_reaches_90_percent(trained, fake_data_root,
                                               tmp_path):
  train_dir, _ = trained
  eval_dir = str(tmp_path / 'eval')
  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=' + fake_data_root,
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=' + eval_dir, '--num_examples=2000')
  precision = float(PRECISION_LINE.search(proc.stdout).group(1))
  assert precision >= 0.90
  assert '2000 images from' in proc.stdout
  assert 'precision @ 1 per class:' in proc.stdout
  assert 'confusion matrix' in proc.stdout
  [(step, value)] = read_scalars(eval_dir, 'Precision @ 1')
  assert step == 200
  assert value == pytest.approx(precision, abs=5e-4)
  assert len(read_scalars(eval_dir, 'precision_per_class/truck')) == 1


@pytest.mark.slow
def test_eval_counts_each_image_exactly_once_with_the_shadow_model(
    fake_data_root, tmp_path):
  train_dir, eval_dir = str(tmp_path / 'train'), str(tmp_path / 'eval')
  write_constant_checkpoint(train_dir, 4321, raw_class=5, shadow_class=3)
  labels = records_labels(os.path.join(
      fake_data_root, cifar10_data.FAKE_DATA_FOLDER, 'test_batch.bin'))
  num = 8 * 128 + 13  # Not a multiple of the batch size.
  shadow_precision = np.mean(labels[:num] == 3)
  raw_precision = np.mean(labels[:num] == 5)
  # Counting a whole last batch (1,152 images) would give another figure.
  assert shadow_precision != np.mean(labels[:9 * 128] == 3)
  assert shadow_precision != raw_precision

  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=' + fake_data_root,
                    '--checkpoint_dir=' + train_dir, '--eval_dir=' + eval_dir,
                    '--num_examples=%d' % num)
  assert '%d images from' % num in proc.stdout
  printed = float(PRECISION_LINE.search(proc.stdout).group(1))
  assert printed == pytest.approx(shadow_precision, abs=5e-4)
  [(step, value)] = read_scalars(eval_dir, 'Precision @ 1')
  assert step == 4321
  assert value == pytest.approx(shadow_precision, abs=1e-6)
  # Row 'cat' of the confusion matrix: every cat predicted as a cat.
  cats = int(np.sum(labels[:num] == 3))
  assert re.search(r'^  cat\s+%s$' % r'\s+'.join(
      ['0'] * 3 + [str(cats)] + ['0'] * 6), proc.stdout, re.M)


@pytest.mark.slow
def test_polling_eval_reports_each_new_checkpoint_once(fake_data_root,
                                                       tmp_path):
  train_dir, eval_dir = str(tmp_path / 'train'), str(tmp_path / 'eval')
  os.makedirs(train_dir)
  log_path = str(tmp_path / 'eval.log')
  with open(log_path, 'w') as log:
    evaluator = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'cifar10_eval.py'), '--fake_data',
         '--data_dir=' + fake_data_root, '--checkpoint_dir=' + train_dir,
         '--eval_dir=' + eval_dir, '--eval_interval_secs=1',
         '--num_examples=300'],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, PYTHONUNBUFFERED='1'))
  try:
    deadline = time.time() + 60
    while 'waiting for a new checkpoint' not in open(log_path).read():
      assert evaluator.poll() is None and time.time() < deadline
      time.sleep(0.5)
    # Checkpoints at step 0 (start) and step 20 (end).
    run_script('cifar10_train.py', '--fake_data',
               '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
               '--max_steps=20', *QUICK)
    deadline = time.time() + 120
    while len(PRECISION_LINE.findall(open(log_path).read())) < 2:
      assert evaluator.poll() is None and time.time() < deadline
      time.sleep(0.5)
    time.sleep(4)  # Several more polls: nothing new must be evaluated.
  finally:
    evaluator.kill()
    evaluator.wait()
  out = open(log_path).read()
  assert len(PRECISION_LINE.findall(out)) == 2
  assert re.findall(r'images from .*, step (\d+)', out) == ['0', '20']
  assert [s for s, _ in read_scalars(eval_dir, 'Precision @ 1')] == [0, 20]


@pytest.mark.slow
def test_eval_with_empty_data_dir_says_how_to_fix(tmp_path):
  proc = run_script('cifar10_eval.py', '--data_dir=%s' % tmp_path,
                    '--run_once', '--eval_dir=%s' % (tmp_path / 'eval'),
                    timeout=120, check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_eval.py: error: no CIFAR-10 data in .*: run '
                  r'cifar10-train once to download it', last_line(proc))


@pytest.mark.slow
def test_unwritable_eval_dir_is_reported_before_work(tmp_path):
  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=%s' % tmp_path,
                    '--eval_dir=' + under_a_file(tmp_path),
                    check=False, timeout=120)
  assert proc.returncode == 1
  assert re.search(r'cifar10_eval.py: error: cannot create --eval_dir=.*'
                   r'a_file/sub .*choose a folder you can write to',
                   proc.stderr.strip().splitlines()[-1])


@pytest.mark.slow
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


@pytest.mark.slow
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


# The report (cifar10_report.py).

def test_a_report_of_many_classes_leaves_the_matrix_to_tensorboard():
  matrix = np.eye(100, dtype=np.int64) * 3
  report = cifar10_report.format_report(matrix, FINE)
  assert 'fine_99    1.000  (3/3)' in report
  assert report.splitlines()[-1] == (
      'confusion matrix: 100 classes, see TensorBoard (images and text tabs)')
