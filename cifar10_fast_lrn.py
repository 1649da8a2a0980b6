# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""A faster local response normalization for CPUs: `--fast_lrn`.

`band_lrn` computes what `tf.nn.lrn` computes, and its gradient what the
LRNGrad kernel computes, from products with a banded 0/1 matrix. The CPU
kernels of LRN and LRNGrad walk each channel's window element by element;
a matrix product runs on oneDNN's (or cuBLAS's) tuned kernels, and the
gradient reuses what the forward pass computed. `inference()` in cifar10.py
uses it unless `--nofast_lrn`; tests hold it to the kernels' values.
"""

import numpy as np
import tensorflow as tf


def band_lrn(x, depth_radius, bias, alpha, beta, name=None):
  """Local response normalization, as `tf.nn.lrn` computes it, from products.

  For `y = x * d ** -beta` with `d = bias + alpha * S(x * x)`, where `S` sums
  each channel's window of `depth_radius` channels on either side, the
  gradient is

    dx = dy * d ** -beta - 2 * alpha * beta * x * S(dy * y / d)

  `S` is a product with a banded 0/1 matrix of depth x depth.

  Args:
    x: Tensor [batch, height, width, depth] of floats; depth known.
    depth_radius, bias, alpha, beta: As for `tf.nn.lrn`.
    name: Name of the output op.

  Returns:
    Tensor of the shape and dtype of `x`.
  """
  depth = x.shape[-1]
  channel = np.arange(depth)
  band = tf.constant(abs(channel[:, None] - channel[None, :]) <= depth_radius,
                     dtype=x.dtype)

  def window_sum(t):
    return tf.reshape(tf.matmul(tf.reshape(t, [-1, depth]), band),
                      tf.shape(t))

  @tf.custom_gradient
  def normalize(x):
    d = bias + alpha * window_sum(tf.square(x))
    if beta == 0.75:  # The tutorial's: two square roots beat a general power.
      scale = tf.math.rsqrt(d) * tf.math.rsqrt(tf.sqrt(d))
    else:
      scale = tf.pow(d, -beta)
    y = x * scale

    def grad(dy):
      return dy * scale - (2.0 * alpha * beta) * x * window_sum(dy * y / d)

    return y, grad

  with tf.compat.v1.name_scope(name, 'BandLRN', [x]) as scope:
    return tf.identity(normalize(x), name=scope)
