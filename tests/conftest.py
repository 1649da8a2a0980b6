"""Shared fixtures: parsed flags, CIFAR-format files, script runners."""

import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
  sys.path.insert(0, ROOT)

import tensorflow as tf  # pylint: disable=g-import-not-at-top

import cifar10  # pylint: disable=g-import-not-at-top,unused-import
import cifar10_eval  # pylint: disable=g-import-not-at-top,unused-import
import cifar10_input  # pylint: disable=g-import-not-at-top
import cifar10_train  # pylint: disable=g-import-not-at-top,unused-import

tf.compat.v1.disable_eager_execution()
# Tests import every module into one process; parse the flags once, on
# defaults, and let each test override what it needs with flagsaver.
tf.compat.v1.flags.FLAGS(['pytest'])

# Small queue and few threads: quick to fill, same pipeline.
QUICK = ('--min_fraction_of_examples_in_queue=0.02',
         '--num_preprocess_threads=4')

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
