# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Summaries tagged exactly as TensorBoard should show them.

`tf.compat.v1.summary.scalar` and `.histogram` prefix the name scope and
replace spaces and brackets, so 'conv1/sparsity' inside the conv1 scope
would come out as 'conv1/conv1/sparsity' and 'total_loss (raw)' as
'total_loss__raw_'. The summaries here keep the tag as given.

`histogram()` writes the summary of TensorFlow's HistogramSummary kernel,
the same buckets and counts, but computes it with vectorized, multi-threaded
ops (--fast_histograms): the kernel looks each value up in its table of
edges one at a time, on one thread, and the 8 million values that the
trainers summarize every 100 steps then cost a few percent of the training
time on a small CPU (README, Speed).
"""

import re
import sys

import numpy as np
import tensorflow as tf

tf.compat.v1.flags.DEFINE_boolean(
    'fast_histograms', True,
    'Compute the histogram summaries with vectorized ops rather than with '
    'TensorFlow\'s HistogramSummary kernel: the same buckets and counts, '
    'several times faster.')

FLAGS = tf.compat.v1.flags.FLAGS


def _positive_edges():
  """The kernel's bucket edges above zero: from 1e-12, each 10% above the
  last, up to 1e20, then the largest double. Multiplied in doubles, in the
  kernel's order, so the edges are bit for bit its own."""
  edges, edge = [], 1e-12
  while edge < 1e20:
    edges.append(edge)
    edge *= 1.1
  return np.array(edges + [sys.float_info.max])


POSITIVE_EDGES = _positive_edges()
# All the edges, in order: the negated positive ones, zero, the positive
# ones. A value v is counted in the bucket of the first edge above it.
BUCKET_LIMITS = np.concatenate([-POSITIVE_EDGES[::-1], [0.0], POSITIVE_EDGES])


def scalar(tag, value):
  """Adds a scalar summary tagged exactly `tag` to the graph's summaries."""
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.ScalarSummary(tags=tag, values=value))


def histogram(tag, values):
  """Adds a histogram summary tagged exactly `tag` to the graph's summaries.

  The summary holds what the HistogramSummary kernel writes: the same
  buckets and counts, minimum, maximum and number of values; the sum and
  the sum of squares are summed in doubles in another order, so they may
  differ in the last digits. Like the kernel, running it fails with 'Nan in
  summary histogram for: <tag>' (or 'Infinity ...') when a value is not
  finite: the trainers treat that as divergence.

  Args:
    tag: The summary's tag.
    values: Tensor of floats, any shape.
  """
  tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.SUMMARIES,
                                 histogram_op(tag, values))


def histogram_op(tag, values):
  """The serialized summary of `histogram()`: a scalar string Tensor."""
  if (not FLAGS.fast_histograms or
      values.dtype not in (tf.float16, tf.bfloat16, tf.float32)):
    return tf.raw_ops.HistogramSummary(tag=tag, values=values)
  # Grouped under the tag's own scope ('conv1/activations_histogram'), so
  # that TensorBoard's graph shows it beside its layer. On the CPU, where
  # the kernel runs too.
  scope = re.sub(r'[^A-Za-z0-9_./-]', '_', tag) + '_histogram'
  with tf.compat.v1.name_scope(scope), tf.device('/cpu:0'):
    x = tf.reshape(tf.cast(values, tf.float32), [-1])  # Exact from 16 bits.
    as_double = tf.cast(x, tf.float64)
    total = tf.reduce_sum(as_double)
    # The sum of finite float32 values cannot overflow a double: the sum is
    # finite exactly when every value is.
    finite = tf.math.is_finite(total)
    error = tf.cond(finite, lambda: tf.constant(''), lambda: tf.where(
        tf.reduce_any(tf.math.is_nan(x)),
        'Nan in summary histogram for: ' + tag,
        'Infinity in summary histogram for: ' + tag))
    check = tf.debugging.Assert(finite, [error])

    with tf.control_dependencies([check]):
      # How many positive edges lie at or below |x|, from the logarithm in
      # doubles. Exact for every float32: none lies within 2e-11 of an
      # edge (relatively), far more than the rounding of the logarithm.
      above_first = (tf.math.log(tf.abs(as_double)) * (1.0 / np.log(1.1)) +
                     (1.0 - np.log(1e-12) / np.log(1.1)))
      last = len(POSITIVE_EDGES) - 1  # The largest double: above any float32.
      count = tf.cast(tf.clip_by_value(above_first, 0.0, last), tf.int32)
    # Edges strictly below |x|, for the negative values: the same count,
    # since no edge equals a float32.
    negatives = last + 1
    bucket = tf.where(x < 0, negatives - count, negatives + 1 + count)
    counts = tf.math.bincount(bucket, minlength=len(BUCKET_LIMITS),
                              maxlength=len(BUCKET_LIMITS), dtype=tf.float64)

    # The kernel writes each run of empty buckets as one, at its last edge.
    next_counts = tf.concat([counts[1:], [1.0]], 0)
    keep = tf.where((counts > 0) | (next_counts > 0))[:, 0]
    num = tf.cast(tf.size(x), tf.float64)
    largest = tf.constant(sys.float_info.max, tf.float64)
    fields = {
        # Where there are no values, the kernel's starting points.
        'min': tf.minimum(largest, tf.cast(tf.reduce_min(x), tf.float64)),
        'max': tf.maximum(-largest, tf.cast(tf.reduce_max(x), tf.float64)),
        'num': num,
        'sum': total,
        'sum_squares': tf.tensordot(as_double, as_double, 1),
        'bucket_limit': tf.gather(BUCKET_LIMITS, keep),
        'bucket': tf.gather(counts, keep),
    }
    histo = _encode('tensorflow.HistogramProto', fields)
    value = _encode('tensorflow.Summary.Value',
                    {'tag': tf.constant(tag, name='tag'), 'histo': histo})
    return _encode('tensorflow.Summary', {'value': value})


def _encode(message_type, fields):
  """One serialized protocol buffer of `message_type`, as a scalar string.

  Args:
    message_type: Full name of the message, such as 'tensorflow.Summary'.
    fields: Dict from field name to a scalar Tensor (a single field) or a
      vector (a repeated one). Message fields take serialized strings.
  """
  names = list(fields)
  values = [tf.reshape(fields[name], [1, -1]) for name in names]
  sizes = tf.stack([tf.shape(v)[1] for v in values])[None, :]
  return tf.reshape(tf.io.encode_proto(sizes, values, names, message_type),
                    [])
