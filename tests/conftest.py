# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The tests' fixtures: parsed flags, CIFAR-format files, a trained model.
What else the tests share is in helpers.py."""

import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
  sys.path.insert(0, ROOT)

# pylint: disable=g-import-not-at-top,wrong-import-position,unused-import
import cifar10_data
import cifar10_prepare

# As every script does, before TensorFlow loads.
cifar10_prepare.configure_environment()

import tensorflow as tf

import cifar10
import cifar10_distributed_train
import cifar10_eval
import cifar10_export
import cifar10_images
import cifar10_input
import cifar10_make_records
import cifar10_multi_gpu_train
import cifar10_predict
import cifar10_runtime
import cifar10_train
from helpers import (NUM_RECORD_PNGS, QUICK, SMALL_TEST_RECORDS,
                     SMALL_TRAIN_RECORDS, run_script, write_random_checkpoint)

tf.compat.v1.disable_eager_execution()
# Tests import every module into one process; parse the flags once, on
# defaults, and let each test override what it needs with flagsaver.
tf.compat.v1.flags.FLAGS(['pytest'])


@pytest.fixture(scope='session')
def small_data_dir(tmp_path_factory):
  """A cifar-10-batches-bin folder of small synthetic files."""
  path = str(tmp_path_factory.mktemp('small') / 'cifar-10-batches-bin')
  return cifar10_data.write_fake_data(
      path, seed=7, train_records_per_file=SMALL_TRAIN_RECORDS,
      test_records=SMALL_TEST_RECORDS)


@pytest.fixture(scope='session')
def fake_data_root(tmp_path_factory):
  """A --data_dir whose --fake_data files are written once per session."""
  root = str(tmp_path_factory.mktemp('data'))
  cifar10_data.write_fake_data(
      os.path.join(root, cifar10_data.FAKE_DATA_FOLDER))
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


@pytest.fixture(scope='session')
def random_checkpoint(tmp_path_factory):
  """The path of a checkpoint of the model with random weights."""
  return write_random_checkpoint(str(tmp_path_factory.mktemp('random')))


# The first records of the --fake_data test file as image files, and what
# cifar10-predict makes of them with the `trained` checkpoint.
@pytest.fixture(scope='session')
def record_pngs(fake_data_root, tmp_path_factory):
  """(paths, labels, images) of NUM_RECORD_PNGS test records saved as PNG."""
  labels, images = cifar10_data.read_records(
      os.path.join(fake_data_root, cifar10_data.FAKE_DATA_FOLDER,
                   'test_batch.bin'), NUM_RECORD_PNGS)
  folder = tmp_path_factory.mktemp('pngs')
  paths = [str(folder / ('%03d.png' % i)) for i in range(len(images))]
  cifar10_images.write_pngs(images, paths)
  return paths, labels, images


@pytest.fixture(scope='session')
def predicted(trained, record_pngs, tmp_path_factory):
  """cifar10-predict --json on the record PNGs: one parsed object a file."""
  proc = run_script('cifar10_predict.py', '--json', '--top_k=10',
                    '--checkpoint_dir=' + trained[0],
                    '--data_dir=%s' % tmp_path_factory.mktemp('no_data'),
                    *record_pngs[0])
  return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture
def trainers():
  """A list to put the `helpers.Trainer`s a test starts in; each is killed
  at the end of the test, if still running."""
  started = []
  yield started
  for trainer in started:
    trainer.kill()
