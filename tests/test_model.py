# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The model of cifar10.py: variables, losses, schedule, averages, summaries."""

import os

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_data
import cifar10_fast_lrn
import cifar10_input
import cifar10_make_records
import cifar10_runtime
from helpers import image_folder, queues_running

EXPECTED_VARIABLES = {
    'conv1/weights': [5, 5, 3, 64],
    'conv1/biases': [64],
    'conv2/weights': [5, 5, 64, 64],
    'conv2/biases': [64],
    'local3/weights': [2304, 384],
    'local3/biases': [384],
    'local4/weights': [384, 192],
    'local4/biases': [192],
    'softmax_linear/weights': [192, 10],
    'softmax_linear/biases': [10],
}
LAYERS = ('conv1', 'conv2', 'local3', 'local4', 'softmax_linear')


def _build(batch=4, use_fp16=False):
  with flagsaver.flagsaver(use_fp16=use_fp16):
    dtype = tf.float16 if use_fp16 else tf.float32
    images = tf.compat.v1.placeholder(dtype, [batch, 24, 24, 3])
    labels = tf.compat.v1.placeholder(tf.int32, [batch])
    logits = cifar10.inference(images)
    total_loss = cifar10.loss(logits, labels)
  return images, labels, logits, total_loss


def _feed(images, labels, seed=0):
  rng = np.random.default_rng(seed)
  batch = images.shape.as_list()[0]
  return {images: rng.normal(size=images.shape.as_list()),
          labels: rng.integers(0, 10, size=batch)}


def test_variables_have_tutorial_names_and_shapes():
  with tf.Graph().as_default():
    _, _, logits, _ = _build()
    assert logits.shape.as_list() == [4, 10]
    found = {v.op.name: v.shape.as_list()
             for v in tf.compat.v1.trainable_variables()}
  assert found == EXPECTED_VARIABLES


def test_model_has_1068298_parameters():
  with tf.Graph().as_default():
    _build()
    count = sum(int(np.prod(v.shape.as_list()))
                for v in tf.compat.v1.trainable_variables())
  assert count == 1068298


def test_variables_are_pinned_to_cpu():
  with tf.Graph().as_default():
    _build()
    for var in tf.compat.v1.trainable_variables():
      assert var.device.lower().endswith('cpu:0'), var.op.name


def test_initial_values_follow_the_tutorial():
  with tf.Graph().as_default():
    _build()
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      values = {v.op.name: sess.run(v)
                for v in tf.compat.v1.trainable_variables()}
  for layer, bias in [('conv1', 0.0), ('conv2', 0.1), ('local3', 0.1),
                      ('local4', 0.1), ('softmax_linear', 0.0)]:
    np.testing.assert_array_equal(values[layer + '/biases'], np.float32(bias))
  for layer, stddev in [('conv2', 5e-2), ('local3', 0.04),
                        ('softmax_linear', 1 / 192.0)]:
    w = values[layer + '/weights']
    # Truncated at two standard deviations; the spread is 0.88 of stddev.
    assert np.abs(w).max() <= 2 * stddev
    assert 0.8 * stddev < w.std() < 0.95 * stddev


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


def test_weight_decay_only_on_local3_and_local4():
  with tf.Graph().as_default():
    _build()
    names = sorted(t.op.name for t in tf.compat.v1.get_collection('losses'))
  assert names == ['cross_entropy', 'local3/weight_loss', 'local4/weight_loss']


def test_total_loss_is_cross_entropy_plus_weight_decay():
  with tf.Graph().as_default():
    images, labels, logits, total_loss = _build()
    variables = {v.op.name: v for v in tf.compat.v1.trainable_variables()}
    w3, w4 = variables['local3/weights'], variables['local4/weights']
    feed = _feed(images, labels)
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      total, z, v3, v4 = sess.run([total_loss, logits, w3, w4], feed)
  z = z.astype(np.float64)
  log_softmax = z - z.max(axis=1, keepdims=True)
  log_softmax -= np.log(np.exp(log_softmax).sum(axis=1, keepdims=True))
  cross_entropy = -log_softmax[np.arange(4), feed[labels]].mean()
  decay = 0.004 * (v3.astype(np.float64) ** 2).sum() / 2
  decay += 0.004 * (v4.astype(np.float64) ** 2).sum() / 2
  assert total == pytest.approx(cross_entropy + decay, rel=1e-5)
  # The tutorial's first logged loss: 2.30 of cross entropy plus ~2.37 decay
  # (the decay is all but fixed by the initializers; a batch of 4 random
  # images moves the cross entropy a little).
  assert decay == pytest.approx(2.37, abs=0.02)
  assert total == pytest.approx(4.67, abs=0.1)


def _lr_at(step):
  with tf.Graph().as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()
    lr = cifar10.learning_rate(global_step)
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      sess.run(global_step.assign(step))
      return sess.run(lr)


def test_learning_rate_decays_tenfold_every_350_epochs():
  decay_steps = int(50000 / 128 * 350)
  assert decay_steps == 136718
  assert _lr_at(0) == pytest.approx(0.1)
  assert _lr_at(decay_steps - 1) == pytest.approx(0.1)
  assert _lr_at(decay_steps) == pytest.approx(0.01)
  assert _lr_at(2 * decay_steps) == pytest.approx(0.001)


def test_train_keeps_one_moving_average_per_variable_and_steps_once():
  with tf.Graph().as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()
    images, labels, _, total_loss = _build()
    train_op = cifar10.train(total_loss, global_step)
    trainable = {v.op.name for v in tf.compat.v1.trainable_variables()}
    shadows = {v.op.name for v in tf.compat.v1.global_variables()
               if v.op.name.endswith('/ExponentialMovingAverage')
               and v.op.name[:-len('/ExponentialMovingAverage')] in trainable}
    assert shadows == {name + '/ExponentialMovingAverage'
                       for name in trainable}
    variables = {v.op.name: v for v in tf.compat.v1.global_variables()}
    w = variables['softmax_linear/biases']
    shadow = variables['softmax_linear/biases/ExponentialMovingAverage']
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      sess.run(train_op, _feed(images, labels))
      step, w_value, shadow_value = sess.run([global_step, w, shadow])
  assert step == 1
  # After one step the shadow moved (decay min(0.9999, 2/11)) toward w.
  np.testing.assert_allclose(shadow_value, (1 - 2 / 11.) * w_value, rtol=1e-4,
                             atol=1e-7)


def test_summary_tags_follow_the_tutorial(small_data_dir):
  with flagsaver.flagsaver(min_fraction_of_examples_in_queue=0.002,
                           num_preprocess_threads=2, batch_size=8):
    with tf.Graph().as_default():
      global_step = tf.compat.v1.train.get_or_create_global_step()
      images, labels = cifar10.cifar10_input.distorted_inputs(
          small_data_dir, 8)
      total_loss = cifar10.loss(cifar10.inference(images), labels)
      train_op = cifar10.train(total_loss, global_step)
      summary_op = tf.compat.v1.summary.merge_all()
      with tf.compat.v1.train.MonitoredSession() as sess:
        _, serialized = sess.run([train_op, summary_op])
  summary = tf.compat.v1.Summary.FromString(serialized)
  tags = {v.tag for v in summary.value}
  expected = {'learning_rate', 'total_loss', 'total_loss (raw)',
              'cross_entropy', 'cross_entropy (raw)',
              'local3/weight_loss', 'local3/weight_loss (raw)',
              'local4/weight_loss', 'local4/weight_loss (raw)'}
  for layer in LAYERS:
    expected |= {layer + '/activations', layer + '/sparsity',
                 layer + '/weights', layer + '/biases',
                 layer + '/weights/gradients', layer + '/biases/gradients'}
  assert expected <= tags
  assert any(t.startswith('images/image') for t in tags)


def test_histograms_are_tensorflows_own_op():
  with tf.Graph().as_default():
    _, _, _, total_loss = _build()
    cifar10.train(total_loss, tf.compat.v1.train.get_or_create_global_step())
    graph = tf.compat.v1.get_default_graph()
    histograms = [op for op in graph.get_operations()
                  if op.type == 'HistogramSummary']
    # An activation histogram per layer; one per variable and its gradient.
    assert len(histograms) == len(LAYERS) * 5
    assert not [op for op in graph.get_operations()
                if op.type in ('EncodeProto', 'Bincount', 'DenseBincount')]


def test_use_fp16_builds_a_float16_model():
  with tf.Graph().as_default():
    images, labels, logits, total_loss = _build(use_fp16=True)
    with flagsaver.flagsaver(use_fp16=True):
      global_step = tf.compat.v1.train.get_or_create_global_step()
      train_op = cifar10.train(total_loss, global_step)
    for var in tf.compat.v1.trainable_variables():
      assert var.dtype.base_dtype == tf.float16, var.op.name
    assert logits.dtype == tf.float16
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      losses = [sess.run([train_op, total_loss], _feed(images, labels, s))[1]
                for s in range(5)]
  assert all(np.isfinite(losses))


@pytest.mark.parametrize('precision', ['bfloat16', 'float16'])
def test_mixed_precision_computes_in_16_bits_and_keeps_float32_state(
    precision):
  with flagsaver.flagsaver(mixed_precision=precision), tf.Graph().as_default():
    images, labels, logits, total_loss = _build()
    global_step = tf.compat.v1.train.get_or_create_global_step()
    train_op = cifar10.train(total_loss, global_step)
    products = [op for op in tf.compat.v1.get_default_graph().get_operations()
                if op.type in ('Conv2D', 'MatMul')]
    heavy = [op for op in products if op.name.split('/')[0] in LAYERS and
             op.name.count('/') == 1]
    assert len(heavy) == 5  # conv1, conv2, local3, local4, softmax_linear.
    for op in heavy:
      assert op.outputs[0].dtype == precision, op.name
    # Normalization stays in float32: the band products of norm1 and norm2.
    norms = [op for op in products if op.name.startswith(('norm1/', 'norm2/'))]
    assert norms and all(op.outputs[0].dtype == tf.float32 for op in norms)
    for var in tf.compat.v1.global_variables():
      if var.dtype.base_dtype.is_floating:
        assert var.dtype.base_dtype == tf.float32, var.op.name
    assert logits.dtype == tf.float32 and total_loss.dtype == tf.float32
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      losses = [sess.run([train_op, total_loss], _feed(images, labels, s))[1]
                for s in range(3)]
  # The first loss is the float32 model's, to 16-bit rounding.
  assert losses[0] == pytest.approx(4.67, abs=0.1)
  assert all(np.isfinite(losses))


def test_float16_loss_scaling_keeps_gradients_too_small_for_float16():
  with flagsaver.flagsaver(mixed_precision='float16'), tf.Graph().as_default():
    weight = tf.compat.v1.get_variable('w', [],
                                       initializer=tf.ones_initializer())
    # A gradient of 1e-8: float16 cannot hold it (its smallest is 6e-8).
    tiny = tf.cast(tf.cast(weight, tf.float16) * 1e-4 * 1e-4, tf.float32)
    opt = tf.compat.v1.train.GradientDescentOptimizer(1.0)
    [(scaled, _)] = cifar10.compute_gradients(opt, tiny)
    [(plain, _)] = opt.compute_gradients(tiny)
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      scaled, plain = sess.run([scaled, plain])
  assert plain == 0.0
  assert scaled == pytest.approx(1e-8, rel=0.01)


@pytest.mark.parametrize('depth, beta', [(64, 0.75), (6, 0.5)])
def test_band_lrn_equals_the_lrn_and_lrn_grad_kernels(depth, beta):
  rng = np.random.default_rng(3)
  x_value = np.abs(rng.normal(0.0, 30.0, size=(4, 5, 5, depth)))
  grad_value = rng.normal(size=(4, 5, 5, depth))
  settings = dict(depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=beta)
  with tf.Graph().as_default():
    x = tf.constant(x_value, tf.float32)
    upstream = tf.constant(grad_value, tf.float32)
    band = cifar10_fast_lrn.band_lrn(x, name='norm', **settings)
    kernel = tf.nn.lrn(x, **settings)
    band_grad, = tf.gradients(band, x, upstream)
    kernel_grad, = tf.gradients(kernel, x, upstream)
    types = {op.type for op in tf.compat.v1.get_default_graph()
             .get_operations()}
    with tf.compat.v1.Session() as sess:
      band, kernel, band_grad, kernel_grad = sess.run(
          [band, kernel, band_grad, kernel_grad])
  assert types >= {'LRN', 'LRNGrad'}  # Both from the kernel's side alone.
  # Large inputs, so the normalization (not just 1/bias) is exercised.
  assert not np.allclose(kernel, x_value, rtol=0.05)
  assert not np.allclose(kernel_grad, grad_value, rtol=0.05)
  np.testing.assert_allclose(band, kernel, rtol=1e-5, atol=1e-6)
  np.testing.assert_allclose(band_grad, kernel_grad, rtol=1e-4, atol=1e-6)


def test_inference_normalizes_with_band_lrn_unless_told_not_to():
  for fast in (True, False):
    with tf.Graph().as_default():
      with flagsaver.flagsaver(fast_lrn=fast):
        _, _, _, total_loss = _build()
        tf.gradients(total_loss, tf.compat.v1.trainable_variables())
      graph = tf.compat.v1.get_default_graph()
      norms = [graph.get_operation_by_name(name).type
               for name in ('norm1', 'norm2')]
      kernels = [op.type for op in graph.get_operations()
                 if op.type in ('LRN', 'LRNGrad')]
      if fast:
        assert norms == ['Identity', 'Identity'] and not kernels
      else:
        assert norms == ['LRN', 'LRN']
        assert sorted(kernels) == ['LRN', 'LRN', 'LRNGrad', 'LRNGrad']


def test_building_the_model_reads_and_writes_no_file(tmp_path, monkeypatch):
  # No data folder at all, and --fake_data, whose files the data set's
  # functions would write: the model must not ask for them.
  here = tmp_path / 'read_only'
  here.mkdir()
  monkeypatch.chdir(str(here))
  here.chmod(0o555)
  opened = []
  real_gfile = tf.io.gfile.GFile

  def recorded(path, *args, **kwargs):
    opened.append(path)
    return real_gfile(path, *args, **kwargs)

  monkeypatch.setattr(tf.io.gfile, 'GFile', recorded)
  with flagsaver.flagsaver(data_dir=str(tmp_path / 'absent'), fake_data=True):
    with tf.Graph().as_default():
      global_step = tf.compat.v1.train.get_or_create_global_step()
      images, labels, logits, total_loss = _build()
      cifar10.train(total_loss, global_step)
      assert logits.shape.as_list() == [4, cifar10.NUM_CLASSES]
    with tf.Graph().as_default():  # The class count it is handed.
      three = cifar10.inference(tf.zeros([2, 24, 24, 3]), num_classes=3)
      assert three.shape.as_list() == [2, 3]
  assert opened == []
  assert not (tmp_path / 'absent').exists()
  assert list(here.iterdir()) == []


def test_only_the_data_set_writes_the_synthetic_files(tmp_path):
  # cifar10-predict and cifar10-export ask for the class names alone: with
  # --fake_data they must not write the synthetic set; a trainer's
  # data_set() does, once.
  with flagsaver.flagsaver(data_dir=str(tmp_path), fake_data=True):
    assert cifar10.class_names() == cifar10_data.CLASS_NAMES
    assert list(tmp_path.iterdir()) == []
    data = cifar10.data_set()
  assert data.folder == str(tmp_path / cifar10_data.FAKE_DATA_FOLDER)
  assert sorted(os.listdir(data.folder)) == sorted(
      cifar10_data.TRAIN_FILES + cifar10_data.TEST_FILES +
      (cifar10_data.META_FILE,))
  assert data.class_names == cifar10_data.CLASS_NAMES


def test_the_model_follows_the_classes_and_files_of_the_folder(tmp_path):
  image_dir = image_folder(str(tmp_path / 'images'), per_class=6)
  data_dir = str(tmp_path / 'data')
  cifar10_make_records.make_records(image_dir, data_dir, 0.5, 0,
                                    report=lambda line: None)
  with flagsaver.flagsaver(data_dir=data_dir, batch_size=4,
                           min_fraction_of_examples_in_queue=0.5):
    data = cifar10.data_set()
    assert data == (data_dir, ('apple', 'kiwi', 'plum'), 3, 9)
    assert cifar10_input.epoch_size(data_dir, eval_data=True) == 9
    with tf.Graph().as_default():
      images, labels = cifar10.distorted_inputs(data)
      logits = cifar10.inference(images, data.num_classes)
      assert logits.shape.as_list() == [4, 3]
      # The schedule counts epochs of this folder: 9 images in batches of
      # 4, so the rate drops about int(9 / 4 * 350) = 787 steps in (with
      # CIFAR-10's 50,000 images, 136,718).
      step = tf.compat.v1.placeholder(tf.int64, [])
      lr = cifar10.learning_rate(step, data.train_examples)
      with tf.compat.v1.Session() as sess:
        assert sess.run(lr, {step: 780}) == pytest.approx(0.1)
        assert sess.run(lr, {step: 800}) == pytest.approx(0.01)
        sess.run(tf.compat.v1.global_variables_initializer())
        with queues_running(sess):
          batch = sess.run(labels)
  assert set(batch.tolist()) <= {0, 1, 2}
