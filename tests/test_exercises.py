# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10/exercises: every patch still applies and its suite still trains
and evaluates; the SVHN converter writes the digits as records."""

import concurrent.futures
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import cifar10_data
import cifar10_prepare

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXERCISES = os.path.join(ROOT, 'cifar10', 'exercises')


def load_script(name):
  """Imports a script of cifar10/exercises (not a package) by its path."""
  spec = importlib.util.spec_from_file_location(
      name, os.path.join(EXERCISES, name + '.py'))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


# Run in a patched copy: trains a few steps, evaluates, and prints what the
# patches change, as JSON on the last line.
DRIVER = r'''
import json
import sys

import cifar10_prepare
cifar10_prepare.load_tensorflow()
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_eval
import cifar10_input
import cifar10_train

FLAGS = tf.compat.v1.flags.FLAGS
FLAGS(sys.argv)
cifar10_train.main(None)

restored = []
class RecordingSaver(tf.compat.v1.train.Saver):
  def __init__(self, var_list=None, **kwargs):
    restored.extend(sorted(var_list or []))
    super().__init__(var_list, **kwargs)
tf.compat.v1.train.Saver = RecordingSaver
cifar10_eval.main(None)

with tf.Graph().as_default():
  outputs = cifar10.inference(tf.random.uniform([4, 24, 24, 3]))
  distorted = cifar10_input.distort_image(tf.zeros([32, 32, 3], tf.uint8))
  weights = tf.compat.v1.trainable_variables()
  with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    rows = sess.run(tf.reduce_sum(outputs, axis=1))
  ops = [op.name for op in tf.compat.v1.get_default_graph().get_operations()]
print(json.dumps({
    'parameters': int(sum(np.prod(v.shape) for v in weights)),
    'shapes': {v.op.name: v.shape.as_list() for v in weights},
    'rows_sum_to_one': bool(np.allclose(rows, 1.0, atol=1e-5)),
    'fraction_default': FLAGS['min_fraction_of_examples_in_queue'].default,
    'restored': restored,
    'flips': any('random_flip_left_right' in name for name in ops),
}))
'''

PATCHES = sorted(name[:-len('.patch')] for name in os.listdir(EXERCISES)
                 if name.endswith('.patch'))

# The patches, as three copies of the suite: those that edit different
# lines share one (so that the test costs three short runs, not six).
COPIES = {
    'softmax_queue_raw_svhn': ['1_softmax', '3_smaller_queue',
                               '4_no_moving_averages', '6_svhn'],
    'softmax_naive': ['1_softmax_naive'],
    'local_layers': ['2_local_layers'],
}


@pytest.fixture(scope='module')
def patched_runs(fake_data_root, tmp_path_factory):
  """The patches of each of COPIES applied to a copy of today's suite,
  trained for 3 steps on --fake_data and evaluated: {copy: (exit status,
  output, facts)}."""
  run = load_script('run')
  work = str(tmp_path_factory.mktemp('exercises'))

  def one(name):
    code = run.suite_copy(work, name,
                          *[patch + '.patch' for patch in COPIES[name]])
    with open(os.path.join(code, 'driver.py'), 'w') as f:
      f.write(DRIVER)
    train_dir = os.path.join(work, name, 'train')
    proc = subprocess.run(
        [sys.executable, 'driver.py', '--fake_data',
         '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
         '--max_steps=3', '--min_fraction_of_examples_in_queue=0.01',
         '--num_preprocess_threads=2', '--checkpoint_dir=' + train_dir,
         '--eval_dir=' + os.path.join(work, name, 'eval'), '--run_once',
         '--num_examples=256'],
        cwd=code, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    facts = (json.loads(proc.stdout.strip().splitlines()[-1])
             if proc.returncode == 0 else None)
    return name, (proc.returncode, output, facts)

  # Two at a time: each process spends much of its life loading TensorFlow.
  with concurrent.futures.ThreadPoolExecutor(2) as pool:
    return dict(pool.map(one, COPIES))


def test_every_exercise_of_the_guide_has_its_patch_and_its_copy():
  assert PATCHES == ['1_softmax', '1_softmax_naive', '2_local_layers',
                     '3_smaller_queue', '4_no_moving_averages', '6_svhn']
  assert sorted(sum(COPIES.values(), [])) == PATCHES


@pytest.mark.slow
@pytest.mark.parametrize('name', sorted(COPIES))
def test_patched_suite_trains_and_evaluates(patched_runs, name):
  status, output, _ = patched_runs[name]
  assert status == 0, output[-3000:]
  assert 'step 0, loss = ' in output
  assert 'precision @ 1 = ' in output
  assert 'model.ckpt-3' in output


# Each copy's facts, against another copy where the patch is absent.

@pytest.mark.slow
def test_softmax_patches_make_inference_return_probabilities(patched_runs):
  for name in ('softmax_queue_raw_svhn', 'softmax_naive'):
    assert patched_runs[name][2]['rows_sum_to_one'], name
  assert not patched_runs['local_layers'][2]['rows_sum_to_one']


@pytest.mark.slow
def test_local_layers_give_each_position_its_own_weights(patched_runs):
  facts = patched_runs['local_layers'][2]
  assert facts['shapes']['local3/weights'] == [6, 6, 3 * 3 * 64, 32]
  assert facts['shapes']['local4/weights'] == [6, 6, 3 * 3 * 32, 32]
  assert facts['shapes']['softmax_linear/weights'] == [6 * 6 * 32, 10]
  assert facts['parameters'] == 1116490
  assert patched_runs['softmax_naive'][2]['parameters'] == 1068298


@pytest.mark.slow
def test_smaller_queue_patch_lowers_the_default_fraction(patched_runs):
  assert patched_runs['softmax_queue_raw_svhn'][2]['fraction_default'] == 0.05
  assert patched_runs['local_layers'][2]['fraction_default'] == 0.4


@pytest.mark.slow
def test_evaluation_without_averages_restores_the_raw_weights(patched_runs):
  raw = patched_runs['softmax_queue_raw_svhn'][2]['restored']
  assert 'local3/weights' in raw
  assert not [name for name in raw if 'ExponentialMovingAverage' in name]
  averaged = patched_runs['softmax_naive'][2]['restored']
  assert 'local3/weights/ExponentialMovingAverage' in averaged


@pytest.mark.slow
def test_svhn_patch_never_flips_an_image(patched_runs):
  assert not patched_runs['softmax_queue_raw_svhn'][2]['flips']
  assert patched_runs['softmax_naive'][2]['flips']


# The SVHN converter, on small .mat files written here.

def write_svhn(folder, labels_by_split, seed=0):
  """Writes train_32x32.mat and test_32x32.mat as SVHN lays them out:
  X uint8 [32, 32, 3, N], y [N, 1] with 10 for the digit 0."""
  scipy_io = pytest.importorskip('scipy.io')
  rng = np.random.default_rng(seed)
  images = {}
  for split, labels in labels_by_split.items():
    x = rng.integers(0, 256, (32, 32, 3, len(labels)), dtype=np.uint8)
    scipy_io.savemat(os.path.join(folder, split + '_32x32.mat'),
                     {'X': x, 'y': np.array(labels, np.uint8).reshape(-1, 1)})
    images[split] = x.transpose(3, 0, 1, 2)
  return images


def test_svhn_converter_turns_label_10_into_digit_0(tmp_path):
  svhn = load_script('svhn_to_records')
  images = write_svhn(str(tmp_path), {'train': [10, 1, 5, 10, 9],
                                      'test': [3, 10, 7]})
  data_dir = str(tmp_path / 'records')
  assert svhn.convert(str(tmp_path), data_dir) == {'train': 5, 'test': 3}

  labels, pixels = cifar10_data.read_records(
      os.path.join(data_dir, 'test_batch.bin'), 100)
  assert labels.tolist() == [3, 0, 7]  # The test file keeps SVHN's order.
  np.testing.assert_array_equal(pixels, images['test'])
  labels, pixels = cifar10_data.read_records(
      os.path.join(data_dir, 'data_batch_1.bin'), 100)
  assert sorted(labels.tolist()) == [0, 0, 1, 5, 9]
  for label, image in zip(labels, pixels):  # Shuffled, each with its own.
    match = [i for i, x in enumerate(images['train'])
             if np.array_equal(x, image)]
    assert [[10, 1, 5, 10, 9][i] % 10 for i in match] == [label]
  with open(os.path.join(data_dir, cifar10_data.META_FILE)) as f:
    assert f.read().split() == [str(d) for d in range(10)]


def test_svhn_converter_names_a_missing_file(tmp_path):
  svhn = load_script('svhn_to_records')
  write_svhn(str(tmp_path), {'train': [1, 2]})
  with pytest.raises(cifar10_prepare.UserError,
                     match=r'test_32x32\.mat is missing: SVHN_DIR must'):
    svhn.convert(str(tmp_path), str(tmp_path / 'records'))


def test_svhn_converter_refuses_a_label_outside_1_to_10(tmp_path):
  svhn = load_script('svhn_to_records')
  write_svhn(str(tmp_path), {'train': [1, 0, 2], 'test': [1]})
  with pytest.raises(cifar10_prepare.UserError,
                     match=r'train_32x32\.mat: label 0 at index 1 is '
                     r'outside 1\.\.10'):
    svhn.convert(str(tmp_path), str(tmp_path / 'records'))
  assert not os.path.exists(tmp_path / 'records')  # Nothing written.


def test_run_reads_the_figures_from_the_suites_lines():
  run = load_script('run')
  lines = [(1.0, 'Filling queue with 20000 CIFAR images before starting '
                 'to train. This will take a few minutes.'),
           (4.5, '2026-12-07 01:24:36.5: step 0, loss = 4.68 (95.6 '
                 'examples/sec; 1.340 sec/batch)'),
           (9.0, '2026-12-07 01:24:48.9: step 100, loss = 4.11 (1025.7 '
                 'examples/sec; 0.125 sec/batch)'),
           (9.5, 'Note: 2 towers, 0 GPUs: all towers run on the CPU.')]
  summary = run.summarize_training(lines)
  assert summary['first_step_secs'] == 3.5
  assert summary['steps'][-1] == (100, 4.11, 1025.7, 0.125)
  assert summary['notes'] == ['Note: 2 towers, 0 GPUs: all towers run on '
                              'the CPU.']
  assert run.median_rate(summary['steps'], skip=20) == (1025.7, 0.125)


def test_run_reads_the_loss_tensorboard_shows_before_each_step(tmp_path):
  tf = pytest.importorskip('tensorflow')
  run = load_script('run')
  with tf.compat.v1.summary.FileWriter(str(tmp_path)) as writer:
    for step, value in ((1, 2.3), (101, 1.9), (201, 1.5)):
      summary = tf.compat.v1.Summary()
      summary.value.add(tag='cross_entropy', simple_value=value)
      summary.value.add(tag='total_loss', simple_value=9.0)
      writer.add_summary(summary, step)
  assert run.cross_entropy(str(tmp_path), [150, 201, 1000]) == {
      150: 1.9, 201: 1.5, 1000: 1.5}
