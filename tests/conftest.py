# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Shared fixtures: parsed flags, CIFAR-format files, script runners."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
  sys.path.insert(0, ROOT)

# pylint: disable=g-import-not-at-top,wrong-import-position,unused-import
import cifar10_prepare

# As every script does, before TensorFlow loads.
cifar10_prepare.configure_environment()

import tensorflow as tf

import cifar10
import cifar10_distributed_train
import cifar10_eval
import cifar10_input
import cifar10_multi_gpu_train
import cifar10_runtime
import cifar10_train

tf.compat.v1.disable_eager_execution()
# Tests import every module into one process; parse the flags once, on
# defaults, and let each test override what it needs with flagsaver.
tf.compat.v1.flags.FLAGS(['pytest'])

# Small queue and few threads: quick to fill, same pipeline.
QUICK = ('--min_fraction_of_examples_in_queue=0.02',
         '--num_preprocess_threads=4')

LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: step (\d+), '
                      r'loss = (\d+\.\d\d) \((\d+\.\d) examples/sec; '
                      r'(\d+\.\d\d\d) sec/batch\)$', re.M)
PRECISION_LINE = re.compile(r'^\d{4}-\d\d-\d\d [\d:.]+: precision @ 1 = '
                            r'(\d\.\d\d\d)$', re.M)

# Sizes of the small synthetic data set that the fast tests share.
SMALL_TRAIN_RECORDS = 300
SMALL_TEST_RECORDS = 2000


@pytest.fixture(scope='session')
def small_data_dir(tmp_path_factory):
  """A cifar-10-batches-bin folder of small synthetic files."""
  path = str(tmp_path_factory.mktemp('small') / 'cifar-10-batches-bin')
  return cifar10_input.write_fake_data(
      path, seed=7, train_records_per_file=SMALL_TRAIN_RECORDS,
      test_records=SMALL_TEST_RECORDS)


@pytest.fixture(scope='session')
def fake_data_root(tmp_path_factory):
  """A --data_dir whose --fake_data files are written once per session."""
  root = str(tmp_path_factory.mktemp('data'))
  cifar10_input.write_fake_data(
      os.path.join(root, cifar10.FAKE_DATA_DIRNAME))
  return root


@pytest.fixture(scope='session')
def trained(fake_data_root, tmp_path_factory):
  """A train_dir after 200 steps on --fake_data, and the trainer's output."""
  train_dir = str(tmp_path_factory.mktemp('train'))
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=200',
                    '--log_frequency=20', *QUICK)
  return train_dir, proc.stdout


def run_script(script, *args, timeout=300, check=True):
  """Runs one of the suite's scripts in a fresh Python process.

  Args:
    script: File name, such as 'cifar10_train.py'.
    *args: Command-line flags.
    timeout: Seconds before the run counts as hung.
    check: Fail the test unless the exit status is 0.

  Returns:
    subprocess.CompletedProcess with text stdout and stderr.
  """
  env = dict(os.environ, PYTHONUNBUFFERED='1')
  proc = subprocess.run([sys.executable, os.path.join(ROOT, script)] +
                        list(args), cwd=ROOT, env=env, capture_output=True,
                        text=True, timeout=timeout)
  if check and proc.returncode:
    raise AssertionError('%s failed with status %d:\n%s\n%s' % (
        script, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
  return proc


def read_scalars(event_dir, tag):
  """Returns [(step, value)] of a scalar tag in the event files of a folder."""
  found = []
  for name in sorted(os.listdir(event_dir)):
    if 'tfevents' not in name:
      continue
    for event in tf.compat.v1.train.summary_iterator(
        os.path.join(event_dir, name)):
      for value in event.summary.value:
        if value.tag == tag:
          found.append((event.step, value.simple_value))
  return found


def records_labels(path):
  """The label byte of each record of a CIFAR-10 binary file."""
  data = np.fromfile(path, dtype=np.uint8)
  return data[::cifar10_input.RECORD_BYTES]


def write_constant_checkpoint(train_dir, step, raw_class, shadow_class):
  """A checkpoint whose raw model always predicts `raw_class` and whose
  moving-average (shadow) model always predicts `shadow_class`."""
  with tf.Graph().as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()
    cifar10.inference(tf.zeros([1, 24, 24, 3]))
    averages = tf.compat.v1.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY, global_step)
    averages.apply(tf.compat.v1.trainable_variables())
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      for var in tf.compat.v1.trainable_variables():
        # All weights zero: the logits are the softmax_linear biases.
        for target, cls in ((var, raw_class),
                            (averages.average(var), shadow_class)):
          value = np.zeros(var.shape.as_list(), np.float32)
          if var.op.name == 'softmax_linear/biases':
            value[cls] = 10.0
          target.load(value, sess)
      global_step.load(step, sess)
      tf.compat.v1.train.Saver().save(
          sess, os.path.join(train_dir, 'model.ckpt'), global_step=step)
