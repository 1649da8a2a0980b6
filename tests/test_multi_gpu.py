# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10_multi_gpu_train.py: towers that share variables, one input queue."""

import os
import shutil

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_multi_gpu_train
from cifar10_checkpoints import read_scalars
from helpers import (LOG_LINE, PRECISION_LINE, QUICK, assert_same_bits,
                     run_script, train_for_losses)


def _tower_grads(images_value, labels_value, num_towers, initial=None):
  """Averaged gradients of `num_towers` towers over equal slices of a batch.

  Returns:
    ({variable name: gradient}, {variable name: initial value}).
  """
  with tf.Graph().as_default():
    images = tf.constant(images_value, tf.float32)
    labels = tf.constant(labels_value, tf.int32)
    opt = tf.compat.v1.train.GradientDescentOptimizer(0.1)
    batches = list(zip(tf.split(images, num_towers),
                       tf.split(labels, num_towers)))
    grads, _, _ = cifar10_multi_gpu_train.tower_gradients(opt, batches)
    with tf.compat.v1.Session(config=tf.compat.v1.ConfigProto(
        allow_soft_placement=True)) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      variables = {v.op.name: v for v in tf.compat.v1.trainable_variables()}
      if initial is not None:
        for name, value in initial.items():
          variables[name].load(value, sess)
      values = {name: sess.run(v) for name, v in variables.items()}
      result = {v.op.name: sess.run(g) for g, v in grads}
  return result, values


def test_two_towers_of_64_compute_the_gradients_of_one_batch_of_128():
  rng = np.random.default_rng(0)
  images = rng.normal(size=(128, 24, 24, 3)).astype(np.float32)
  labels = rng.integers(0, 10, size=128)
  one, initial = _tower_grads(images, labels, 1)
  two, _ = _tower_grads(images, labels, 2, initial=initial)
  assert set(one) == set(two) == set(initial)
  for name in one:
    # Relative to the gradient's scale, so near-zero entries cannot mislead.
    scale = np.abs(one[name]).max()
    assert scale > 0, name
    np.testing.assert_allclose(two[name], one[name], rtol=0,
                               atol=1e-5 * scale, err_msg=name)


def _build_training_graph(num_gpus, small_data_dir):
  """The script's training graph, built on the small synthetic files."""
  with flagsaver.flagsaver(num_gpus=num_gpus, fake_data=False,
                           min_fraction_of_examples_in_queue=0.002,
                           num_preprocess_threads=2, batch_size=16):
    graph = tf.Graph()
    with graph.as_default(), tf.device('/cpu:0'):
      global_step = tf.compat.v1.train.get_or_create_global_step()
      lr = cifar10.learning_rate(global_step)
      opt = tf.compat.v1.train.GradientDescentOptimizer(lr)
      images, labels = cifar10.cifar10_input.distorted_inputs(
          small_data_dir, 16)
      queue = cifar10_multi_gpu_train.prefetch_queue([images, labels],
                                                      2 * num_gpus)
      grads, _, _ = cifar10_multi_gpu_train.tower_gradients(
          opt, cifar10_multi_gpu_train.tower_batches(queue, num_gpus))
      cifar10.apply_and_average(grads, global_step, lr)
      kept = cifar10_multi_gpu_train.last_tower_summaries(num_gpus)
  return graph, kept


def test_two_towers_share_one_set_of_variables_on_the_cpu(small_data_dir):
  graph, _ = _build_training_graph(2, small_data_dir)
  with graph.as_default():
    model_vars = [v for v in tf.compat.v1.trainable_variables()]
  assert len(model_vars) == 10
  assert not [v for v in graph.get_collection('variables')
              if v.op.name.startswith('tower_1/conv')]
  for var in model_vars:
    assert var.device.upper().endswith('CPU:0'), var.op.name
  for i in range(2):
    conv = graph.get_operation_by_name('tower_%d/conv1/Conv2D' % i)
    assert conv.device.upper().endswith('GPU:%d' % i)
    assert graph.get_operation_by_name(
        'tower_%d/softmax_linear/softmax_linear' % i)


def test_summaries_drop_the_tower_prefix(small_data_dir):
  graph, kept = _build_training_graph(2, small_data_dir)
  with graph.as_default():
    tags = set()
    for summary in kept:
      if summary.op.type.endswith('Summary'):  # A kernel's: the tag first.
        tag_input = summary.op.inputs[0]
      else:  # A vectorized histogram: the tag beside it, in its scope.
        scope = summary.op.name.rsplit('/', 1)[0]
        tag_input = graph.get_tensor_by_name(scope + '/tag:0')
      tags.add(tf.get_static_value(tag_input).item().decode())
  assert {'conv1/activations', 'conv1/sparsity', 'softmax_linear/sparsity',
          'total_loss', 'total_loss (raw)', 'cross_entropy',
          'learning_rate', 'conv1/weights', 'conv1/weights/gradients',
          'images'} <= tags
  assert not [t for t in tags if t.startswith('tower')]
  # One summary per tag: the last tower's stand for all.
  assert len(tags) == len(kept)
  # The images of the last tower's batch: the input's own image summary
  # would take a batch from the queue that no tower trains on.
  [images] = [s for s in kept if s.op.type == 'ImageSummary']
  assert images.op.name.startswith('tower_1/')


def test_one_input_pipeline_whatever_the_number_of_towers(small_data_dir):
  def count(graph, op_type):
    return sum(op.type == op_type for op in graph.get_operations())
  one, _ = _build_training_graph(1, small_data_dir)
  three, _ = _build_training_graph(3, small_data_dir)
  assert count(one, 'FixedLengthRecordReaderV2') == 1
  assert count(three, 'FixedLengthRecordReaderV2') == 1
  assert count(one, 'RandomShuffleQueueV2') == count(three,
                                                     'RandomShuffleQueueV2')
  # The towers' batches come out of the prefetch queue in one dequeue.
  [dequeue] = [op for op in three.get_operations()
               if op.type.startswith('QueueDequeue')
               and op.inputs[0].op.name == 'prefetch_queue']
  assert dequeue.type == 'QueueDequeueManyV2'
  assert dequeue.outputs[0].shape[0] == 3
  queue = three.get_operation_by_name('prefetch_queue')
  assert queue.type == 'FIFOQueueV2'
  assert queue.device.upper().endswith('CPU:0')


@pytest.mark.slow
def test_two_towers_learn_resume_and_are_read_by_eval(fake_data_root,
                                                      tmp_path):
  train_dir, eval_dir = str(tmp_path / 'train'), str(tmp_path / 'eval')
  common = ('--num_gpus=2', '--fake_data', '--data_dir=' + fake_data_root,
            '--train_dir=' + train_dir, '--batch_size=64',
            '--log_frequency=20') + QUICK
  proc = run_script('cifar10_multi_gpu_train.py', '--max_steps=200', *common)
  lines = LOG_LINE.findall(proc.stdout)
  assert [int(m[0]) for m in lines] == list(range(0, 200, 20))
  # examples/sec counts both towers: 128 images a step.
  for _, _, examples_per_sec, sec_per_batch in lines[1:]:
    assert float(examples_per_sec) * float(sec_per_batch) == pytest.approx(
        64, rel=0.05)
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-200')
  # Summaries every 100 steps, under the single-device trainer's tags.
  assert len(read_scalars(train_dir, 'total_loss (raw)')) == 2
  assert len(read_scalars(train_dir, 'conv1/sparsity')) == 2

  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=' + fake_data_root,
                    '--checkpoint_dir=' + train_dir, '--eval_dir=' + eval_dir,
                    '--num_examples=2000')
  assert float(PRECISION_LINE.search(proc.stdout).group(1)) >= 0.90

  proc = run_script('cifar10_multi_gpu_train.py', '--max_steps=220', *common)
  assert 'at step 200.' in proc.stdout
  assert [int(m[0]) for m in LOG_LINE.findall(proc.stdout)] == [200]
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-220')


def _checkpoint_values(path):
  reader = tf.train.load_checkpoint(path)
  return {name: reader.get_tensor(name)
          for name in reader.get_variable_to_shape_map()}


def _rename_to_the_old_tower_names(path):
  """Rewrites a checkpoint as the multi-tower trainer used to write it:
  loss averages under the last tower's name ('tower_1/cross_entropy/avg')."""
  values = _checkpoint_values(path)
  with tf.Graph().as_default():
    saved = {}
    for name, value in values.items():
      old = 'tower_1/' + name if name.endswith('/avg') else name
      saved[old] = tf.compat.v1.Variable(value, name=old.replace('/', '_'))
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      tf.compat.v1.train.Saver(saved).save(sess, path,
                                           write_meta_graph=False)
  return values


@pytest.mark.slow
def test_a_checkpoint_resumes_in_either_trainer_with_any_tower_count(
    fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  common = ('--fake_data', '--data_dir=' + fake_data_root, '--batch_size=32',
            '--log_frequency=5') + QUICK
  run_script('cifar10_train.py', *common, '--train_dir=' + train_dir,
             '--max_steps=10')
  # As written before loss averages had tower-free names.
  saved = _rename_to_the_old_tower_names(tf.train.latest_checkpoint(train_dir))
  assert any(name.startswith('tower_1/') for name in
             _checkpoint_values(tf.train.latest_checkpoint(train_dir)))
  runs = [('cifar10_multi_gpu_train.py', '--num_gpus=2', 20),
          ('cifar10_multi_gpu_train.py', '--num_gpus=3', 30),
          ('cifar10_multi_gpu_train.py', '--num_gpus=1', 40),
          ('cifar10_train.py', '--log_frequency=5', 50)]
  step = 10
  for script, flag, max_steps in runs:
    out = run_script(script, *common, flag, '--train_dir=' + train_dir,
                     '--max_steps=%d' % max_steps).stdout
    assert 'Resuming from %s at step %d.' % (
        os.path.join(train_dir, 'model.ckpt-%d' % step), step) in out
    assert int(LOG_LINE.findall(out)[0][0]) == step
    # The checkpoint it resumed from is left as it was, old names and all:
    # a checkpoint's files never change once written.
    resumed = {name.replace('tower_1/', ''): value for name, value in
               _checkpoint_values(os.path.join(
                   train_dir, 'model.ckpt-%d' % step)).items()}
    assert set(resumed) == set(saved)
    for name, value in resumed.items():
      np.testing.assert_array_equal(value, saved[name], err_msg=name)
    saved = _checkpoint_values(tf.train.latest_checkpoint(train_dir))
    assert not [n for n in saved if n.startswith('tower_')]
    step = max_steps

  # A copy of the folder, elsewhere, resumes from its own files.
  copy = str(tmp_path / 'copied')
  shutil.copytree(train_dir, copy)
  shutil.rmtree(train_dir)
  out = run_script('cifar10_train.py', *common, '--train_dir=' + copy,
                   '--max_steps=55').stdout
  assert 'Resuming from %s at step 50.' % os.path.join(
      copy, 'model.ckpt-50') in out
  assert tf.train.latest_checkpoint(copy) == os.path.join(copy,
                                                          'model.ckpt-55')


@pytest.mark.slow
def test_towers_repeat_bit_for_bit(fake_data_root, tmp_path):
  script = 'cifar10_multi_gpu_train.py'
  flags = ('--num_gpus=2', '--seed=7', '--deterministic')
  losses = train_for_losses(fake_data_root, tmp_path / 'a', *flags,
                            script=script)
  again = train_for_losses(fake_data_root, tmp_path / 'b', *flags,
                           script=script)
  assert again == losses
  assert_same_bits(tmp_path / 'a', tmp_path / 'b', [10, 20])
