# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""--seed and --deterministic: the same flags, the same bits."""

import os
import shutil

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_data
import cifar10_distributed_train
import cifar10_flags
import cifar10_input
import cifar10_runtime
import cifar10_train
from helpers import LOG_LINE, QUICK, records_labels, run_script

FLAGS = tf.compat.v1.flags.FLAGS


def _initial_weights(seed, ops_before=0):
  """{name: value} of the network's variables as a graph seeded by
  `seed_graph(seed)` starts them, after `ops_before` other random ops."""
  with tf.Graph().as_default():
    cifar10_runtime.seed_graph(seed)
    for _ in range(ops_before):
      tf.random.uniform([1])
    cifar10.inference(tf.zeros([1, 24, 24, 3]))
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      return {v.op.name: sess.run(v)
              for v in tf.compat.v1.trainable_variables()}


def test_a_seed_fixes_the_initial_weights_and_none_draws_anew():
  first = _initial_weights(1)
  for name, value in _initial_weights(1).items():
    np.testing.assert_array_equal(value, first[name])
  assert not np.array_equal(_initial_weights(2)['conv1/weights'],
                            first['conv1/weights'])
  assert not np.array_equal(_initial_weights(None)['conv1/weights'],
                            _initial_weights(None)['conv1/weights'])


def test_under_a_seed_each_layer_starts_alike_whatever_is_built_before_it():
  # A layer added to inference() shifts the ids of the ops after it, from
  # which TensorFlow would derive their seeds.
  first = _initial_weights(1)
  for name, value in _initial_weights(1, ops_before=3).items():
    np.testing.assert_array_equal(value, first[name])
  # Each weight matrix draws its own values, not a copy of another's.
  assert not np.array_equal(first['local3/weights'][:192, :192],
                            first['local4/weights'][:192])


def _batches(data_dir, seed, pipeline, count=3):
  """The first `count` deterministic training batches under `seed`."""
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.2,
                           num_preprocess_threads=4, input_pipeline=pipeline):
    with tf.Graph().as_default():
      tf.compat.v1.set_random_seed(seed)
      batch = cifar10_input.distorted_inputs(data_dir, 16,
                                             deterministic=True)
      with tf.compat.v1.train.MonitoredSession() as sess:
        return [sess.run(batch) for _ in range(count)]


@pytest.mark.parametrize('pipeline', ['queues', 'tf_data'])
def test_deterministic_batches_depend_on_the_seed_alone(small_data_dir,
                                                        pipeline):
  first = _batches(small_data_dir, 1, pipeline)
  again = _batches(small_data_dir, 1, pipeline)
  other = _batches(small_data_dir, 2, pipeline)
  for (images, labels), (images_again, labels_again) in zip(first, again):
    np.testing.assert_array_equal(images, images_again)
    np.testing.assert_array_equal(labels, labels_again)
  assert not np.array_equal(first[0][0], other[0][0])
  # Shuffled: the first batch is not the start of any file.
  file_starts = {tuple(records_labels(os.path.join(small_data_dir, name))[:16])
                 for name in cifar10_data.TRAIN_FILES}
  assert tuple(first[0][1]) not in file_starts
  assert not np.array_equal(first[0][0], first[1][0])


def test_deterministic_needs_a_seed_in_one_line():
  parse = cifar10_flags.parser(cifar10_train.USAGE, cifar10_train.__doc__,
                               cifar10_train.HELP_GROUPS)
  with flagsaver.flagsaver():
    with pytest.raises(SystemExit) as info:
      parse(['cifar10_train.py', '--deterministic'])
    message = info.value.code
    assert '\n' not in message
    assert '--deterministic needs --seed=N' in message
    parse(['cifar10_train.py', '--deterministic', '--seed=3'])
    assert FLAGS.deterministic and FLAGS.seed == 3


def test_the_distributed_trainer_refuses_deterministic_in_one_line(
    monkeypatch):
  monkeypatch.setattr('sys.argv', ['cifar10_distributed_train.py'])
  with flagsaver.flagsaver(deterministic=True, seed=1):
    with pytest.raises(SystemExit) as info:
      cifar10_distributed_train.main()
  message = info.value.code
  assert message.startswith('cifar10_distributed_train.py: error: '
                            '--deterministic is for cifar10-train and ')
  assert '\n' not in message


# End to end: the trainers, run twice.

def _train(data_root, train_dir, *flags, script='cifar10_train.py',
           max_steps=20):
  """Trains on --fake_data to `max_steps`, with a checkpoint every 10
  steps; returns (step, loss) of each step line."""
  out = run_script(script, '--fake_data', '--data_dir=' + data_root,
                   '--train_dir=' + str(train_dir), '--log_frequency=5',
                   '--save_checkpoint_steps=10', '--max_steps=%d' % max_steps,
                   *(QUICK + flags)).stdout
  return [(int(step), loss) for step, loss, _, _ in LOG_LINE.findall(out)]


def _checkpoint(train_dir, step):
  """{name: value} of every tensor in the checkpoint of `step`."""
  reader = tf.train.load_checkpoint(
      os.path.join(str(train_dir), 'model.ckpt-%d' % step))
  return {name: reader.get_tensor(name)
          for name in reader.get_variable_to_shape_map()}


def _assert_same_bits(train_dir, other_dir, steps):
  for step in steps:
    ours, theirs = _checkpoint(train_dir, step), _checkpoint(other_dir, step)
    assert sorted(ours) == sorted(theirs)
    for name in ours:
      assert ours[name].tobytes() == theirs[name].tobytes(), (step, name)


@pytest.mark.slow
def test_two_deterministic_runs_write_the_same_bits_and_losses(
    fake_data_root, tmp_path):
  flags = ('--seed=1', '--deterministic')
  losses = _train(fake_data_root, tmp_path / 'a', *flags)
  assert [step for step, _ in losses] == [0, 5, 10, 15]
  assert _train(fake_data_root, tmp_path / 'b', *flags) == losses
  _assert_same_bits(tmp_path / 'a', tmp_path / 'b', [10, 20])

  _train(fake_data_root, tmp_path / 'c', '--seed=2', '--deterministic')
  ours, theirs = (_checkpoint(tmp_path / name, 20) for name in 'ac')
  assert not np.array_equal(ours['conv1/weights'], theirs['conv1/weights'])


@pytest.mark.slow
@pytest.mark.parametrize('script, flags', [
    ('cifar10_multi_gpu_train.py', ('--num_gpus=2',)),
    ('cifar10_train.py', ('--input_pipeline=tf_data',))])
def test_towers_and_tf_data_repeat_bit_for_bit(fake_data_root, tmp_path,
                                                script, flags):
  flags += ('--seed=7', '--deterministic')
  losses = _train(fake_data_root, tmp_path / 'a', *flags, script=script)
  again = _train(fake_data_root, tmp_path / 'b', *flags, script=script)
  assert again == losses
  _assert_same_bits(tmp_path / 'a', tmp_path / 'b', [10, 20])


@pytest.mark.slow
def test_a_resumed_deterministic_run_repeats_as_well(fake_data_root, tmp_path):
  flags = ('--seed=1', '--deterministic')
  _train(fake_data_root, tmp_path / 'a', *flags, max_steps=10)
  shutil.copytree(tmp_path / 'a', tmp_path / 'b')
  losses = _train(fake_data_root, tmp_path / 'a', *flags)
  assert [step for step, _ in losses] == [10, 15]
  assert _train(fake_data_root, tmp_path / 'b', *flags) == losses
  _assert_same_bits(tmp_path / 'a', tmp_path / 'b', [20])


@pytest.mark.slow
def test_runs_without_a_seed_start_from_different_weights(fake_data_root,
                                                          tmp_path):
  _train(fake_data_root, tmp_path / 'a', max_steps=1)
  _train(fake_data_root, tmp_path / 'b', max_steps=1)
  ours, theirs = (_checkpoint(tmp_path / name, 1) for name in 'ab')
  assert not np.array_equal(ours['conv1/weights'], theirs['conv1/weights'])
