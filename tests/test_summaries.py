# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Summaries: exact tags, and histograms that equal TensorFlow's kernel."""

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf
from tensorboard.compat.proto import summary_pb2

import cifar10_prepare
import cifar10_summaries

EDGES = cifar10_summaries.POSITIVE_EDGES[:-1]


def _float32_neighbours_of_the_edges():
  """Every edge's nearest float32 values below and above, and their sign
  flips: where a lookup that rounds anywhere would put a value in the
  neighbouring bucket."""
  nearest = EDGES.astype(np.float32)
  below = np.where(nearest.astype(np.float64) < EDGES, nearest,
                   np.nextafter(nearest, np.float32(0)))
  above = np.where(nearest.astype(np.float64) > EDGES, nearest,
                   np.nextafter(nearest, np.float32(np.inf)))
  values = np.concatenate([below, above])
  return np.concatenate([values, -values])


def _histograms(values, dtype=tf.float32):
  """The kernel's and `histogram_op`'s HistogramProto of `values`."""
  with tf.Graph().as_default():
    x = tf.constant(values, dtype)
    kernel = tf.raw_ops.HistogramSummary(tag='t', values=x)
    ours = cifar10_summaries.histogram_op('t', x)
    assert ours.op.type != 'HistogramSummary'
    with tf.compat.v1.Session() as sess:
      kernel, ours = sess.run([kernel, ours])
  kernel, ours = (summary_pb2.Summary.FromString(s) for s in (kernel, ours))
  assert [v.tag for v in ours.value] == [v.tag for v in kernel.value] == ['t']
  return kernel.value[0].histo, ours.value[0].histo


def _assert_same_histogram(kernel, ours):
  assert list(ours.bucket_limit) == list(kernel.bucket_limit)
  assert list(ours.bucket) == list(kernel.bucket)
  assert (ours.min, ours.max, ours.num) == (kernel.min, kernel.max,
                                            kernel.num)
  # Summed in another order: equal to the rounding of doubles.
  assert ours.sum == pytest.approx(kernel.sum, rel=1e-9, abs=1e-9)
  assert ours.sum_squares == pytest.approx(kernel.sum_squares, rel=1e-9)


def test_values_next_to_every_bucket_edge_land_in_the_kernels_buckets():
  values = np.concatenate([_float32_neighbours_of_the_edges(),
                           [0.0, -0.0, 1e-45, -1e-45, 1e-30, 3e38, -3e38]])
  kernel, ours = _histograms(values.astype(np.float32))
  assert list(ours.bucket_limit) == list(kernel.bucket_limit)
  assert list(ours.bucket) == list(kernel.bucket)
  assert (ours.min, ours.max, ours.num) == (kernel.min, kernel.max,
                                            kernel.num)
  # Nearly every bucket is hit, so few runs of empty ones are merged.
  assert len(ours.bucket) > 1500


@pytest.mark.parametrize('scale', [1.0, 1e-6, 1e6])
def test_histogram_of_activations_like_values_equals_the_kernels(scale):
  rng = np.random.default_rng(int(np.log10(scale)) + 10)
  values = np.maximum(rng.normal(0.0, scale, size=(64, 12, 12, 8)), 0.0)
  _assert_same_histogram(*_histograms(values.astype(np.float32)))


def test_histogram_of_16_bit_values_equals_the_kernels():
  values = np.random.default_rng(2).normal(size=5000)
  _assert_same_histogram(*_histograms(values, tf.float16))


def test_histogram_of_one_value_equals_the_kernels():
  _assert_same_histogram(*_histograms(np.array([-2.5], np.float32)))


@pytest.mark.parametrize('bad, reason', [
    (np.nan, 'Nan in summary histogram for: conv1/activations'),
    (np.inf, 'Infinity in summary histogram for: conv1/activations'),
    (-np.inf, 'Infinity in summary histogram for: conv1/activations')])
def test_a_value_not_finite_fails_the_step_as_the_kernel_does(bad, reason):
  # The trainers recognize divergence by the kernel's words.
  with tf.Graph().as_default():
    summary = cifar10_summaries.histogram_op(
        'conv1/activations', tf.constant([1.0, bad, 2.0], tf.float32))
    with tf.compat.v1.Session() as sess:
      with pytest.raises(tf.errors.InvalidArgumentError) as info:
        sess.run(summary)
  assert reason in cifar10_prepare.op_error_reason(info.value)


def test_histograms_sit_beside_their_layer_in_the_graph():
  with tf.Graph().as_default():
    summary = cifar10_summaries.histogram_op('conv1/activations',
                                             tf.zeros([2, 3]))
  assert summary.op.name.startswith('conv1/activations_histogram/')


def test_nofast_histograms_uses_the_kernel():
  with flagsaver.flagsaver(fast_histograms=False), tf.Graph().as_default():
    summary = cifar10_summaries.histogram_op('w', tf.zeros([2, 3]))
  assert summary.op.type == 'HistogramSummary'


def test_tags_are_kept_exactly_as_given():
  with tf.Graph().as_default():
    with tf.compat.v1.name_scope('tower_0/conv1'):
      cifar10_summaries.scalar('total_loss (raw)', tf.constant(1.5))
      cifar10_summaries.histogram('conv1/activations', tf.ones([4]))
    merged = tf.compat.v1.summary.merge_all()
    with tf.compat.v1.Session() as sess:
      summary = summary_pb2.Summary.FromString(sess.run(merged))
  assert sorted(v.tag for v in summary.value) == ['conv1/activations',
                                                   'total_loss (raw)']
