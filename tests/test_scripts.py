# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""End-to-end runs of cifar10_train.py and cifar10_eval.py on synthetic data."""

import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
import tensorflow as tf

import cifar10_data
from cifar10_checkpoints import read_scalars
from helpers import (LOG_LINE, PRECISION_LINE, QUICK, ROOT, records_labels,
                     run_script, write_constant_checkpoint)

pytestmark = pytest.mark.slow


def test_training_prints_the_tutorial_log_line(trained):
  _, out = trained
  assert 'Filling queue with 1000 CIFAR images before starting to train.' in out
  lines = LOG_LINE.findall(out)
  assert [int(step) for step, _, _, _ in lines] == list(range(0, 200, 20))
  first_loss = float(lines[0][1])
  assert first_loss == pytest.approx(4.67, abs=0.05)
  assert float(lines[-1][1]) < first_loss - 1.0


def test_tf_data_pipeline_learns_as_the_queues_do(fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  common = ('--fake_data', '--input_pipeline=tf_data',
            '--data_dir=' + fake_data_root)
  out = run_script('cifar10_train.py', *common, '--train_dir=' + train_dir,
                   '--max_steps=200', '--log_frequency=20', *QUICK).stdout
  losses = [float(m[1]) for m in LOG_LINE.findall(out)]
  assert losses[0] == pytest.approx(4.67, abs=0.05)
  assert losses[-1] < losses[0] - 1.0
  proc = run_script('cifar10_eval.py', *common, '--run_once',
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'),
                    '--num_examples=2000')
  assert float(PRECISION_LINE.search(proc.stdout).group(1)) >= 0.90
  assert '2000 images from' in proc.stdout


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


def test_restart_resumes_from_the_newest_checkpoint(trained, fake_data_root,
                                                    tmp_path):
  train_dir = str(tmp_path / 'train')
  shutil.copytree(trained[0], train_dir)
  before = set(os.listdir(train_dir))
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=230',
                    '--log_frequency=10', *QUICK)
  assert 'at step 200.' in proc.stdout
  steps = [int(m[0]) for m in LOG_LINE.findall(proc.stdout)]
  assert steps == [200, 210, 220]
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-230')
  # Nothing was deleted: the first run's event file and checkpoint remain.
  assert before <= set(os.listdir(train_dir))


def test_train_dir_is_only_deleted_with_fresh_start(trained, fake_data_root,
                                                    tmp_path):
  train_dir = str(tmp_path / 'train')
  shutil.copytree(trained[0], train_dir)
  keep = os.path.join(train_dir, 'notes.txt')
  with open(keep, 'w') as f:
    f.write('mine')
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=200', *QUICK)
  assert 'nothing to do' in proc.stdout
  assert os.path.exists(keep)

  proc = run_script('cifar10_train.py', '--fake_data', '--fresh_start',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=10',
                    '--log_frequency=5', *QUICK)
  assert not os.path.exists(keep)
  assert [int(m[0]) for m in LOG_LINE.findall(proc.stdout)] == [0, 5]


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


# Bad data: one line naming the file and the fix, a non-zero exit, no hang.

def _last_line(proc):
  return proc.stderr.strip().splitlines()[-1]


def test_train_with_missing_file_stops_before_training(small_data_dir,
                                                       tmp_path):
  data_dir = tmp_path / 'data'
  shutil.copytree(small_data_dir, str(data_dir / 'cifar-10-batches-bin'))
  os.remove(str(data_dir / 'cifar-10-batches-bin' / 'data_batch_4.bin'))
  train_dir = tmp_path / 'train'
  proc = run_script('cifar10_train.py', '--data_dir=%s' % data_dir,
                    '--train_dir=%s' % train_dir, '--max_steps=5',
                    timeout=120, check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_train.py: error: data_batch_4.bin is missing '
                  r'from .*cifar-10-batches-bin: restore it', _last_line(proc))
  assert not LOG_LINE.search(proc.stdout)
  assert not tf.train.latest_checkpoint(str(train_dir))


def test_train_with_empty_data_dir_and_no_network_says_how_to_fix(tmp_path):
  proc = run_script('cifar10_train.py', '--data_dir=%s' % tmp_path,
                    '--data_url=http://127.0.0.1:9/cifar-10-binary.tar.gz',
                    '--train_dir=%s' % (tmp_path / 'train'), timeout=120,
                    check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_train.py: error: could not download '
                  r'http://127.0.0.1:9/cifar-10-binary.tar.gz .*--data_url',
                  _last_line(proc))


def test_eval_with_empty_data_dir_says_how_to_fix(tmp_path):
  proc = run_script('cifar10_eval.py', '--data_dir=%s' % tmp_path,
                    '--run_once', '--eval_dir=%s' % (tmp_path / 'eval'),
                    timeout=120, check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_eval.py: error: no CIFAR-10 data in .*: run '
                  r'cifar10-train once to download it', _last_line(proc))


def test_train_with_bad_label_stops_before_training(small_data_dir, tmp_path):
  data_dir = tmp_path / 'data'
  shutil.copytree(small_data_dir, str(data_dir / 'cifar-10-batches-bin'))
  with open(str(data_dir / 'cifar-10-batches-bin' / 'data_batch_1.bin'),
            'r+b') as f:
    f.seek(3073 * 5)
    f.write(bytes([200]))
  proc = run_script('cifar10_train.py', '--data_dir=%s' % data_dir,
                    '--train_dir=%s' % (tmp_path / 'train'), timeout=120,
                    check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_train.py: error: .*data_batch_1.bin: record 5 has '
                  r'label 200, outside 0..9', _last_line(proc))


def test_use_fp16_trains_without_nan(fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  proc = run_script('cifar10_train.py', '--fake_data', '--use_fp16',
                    '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
                    # float16 kernels are slow on CPUs: a small batch.
                    '--batch_size=16', '--max_steps=6', '--log_frequency=2',
                    *QUICK)
  losses = [float(m[1]) for m in LOG_LINE.findall(proc.stdout)]
  assert len(losses) == 3 and all(np.isfinite(losses))
  reader = tf.train.load_checkpoint(train_dir)
  assert reader.get_variable_to_dtype_map()['conv1/weights'] == tf.float16


def test_bad_flag_value_is_one_line_and_a_non_zero_exit(tmp_path):
  proc = run_script('cifar10_train.py', '--batch_size=0',
                    '--train_dir=%s' % tmp_path, timeout=120, check=False)
  assert proc.returncode != 0
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_train.py: error: flag --batch_size=0: 0 is not a positive '
      'integer (--help lists the flags)')
  assert 'Traceback' not in proc.stderr
