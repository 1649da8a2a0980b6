# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The speed settings change how fast the model computes, not what."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT

pytestmark = pytest.mark.slow

# Five training steps of the tutorial's graph on a fixed batch, fixed seed.
PROGRAM = r'''
import json, sys
sys.path.insert(0, %r)
import cifar10_train  # Sets the suite's TensorFlow environment first.
import numpy as np
import tensorflow as tf
import cifar10
tf.compat.v1.flags.FLAGS(['losses'] + sys.argv[1:])
with tf.Graph().as_default():
  tf.compat.v1.set_random_seed(1)
  global_step = tf.compat.v1.train.get_or_create_global_step()
  rng = np.random.default_rng(0)
  images = tf.constant(rng.normal(size=(32, 24, 24, 3)).astype(np.float32))
  labels = tf.constant(rng.integers(0, 10, 32).astype(np.int32))
  loss = cifar10.loss(cifar10.inference(images), labels)
  train_op = cifar10.train(loss, global_step)
  with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    losses = [float(sess.run([train_op, loss])[1]) for _ in range(5)]
print(json.dumps(losses))
''' % ROOT


def _losses(*flags, **env):
  proc = subprocess.run(
      [sys.executable, '-c', PROGRAM] + list(flags), capture_output=True,
      text=True, timeout=300,
      env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', **env))
  assert proc.returncode == 0, proc.stderr[-3000:]
  return np.array(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_first_losses_agree_with_and_without_the_speed_settings():
  # The suite's defaults: oneDNN on, all cores, norm1 and norm2 from band
  # products.
  fast = _losses()
  plain = _losses('--nofast_lrn', TF_ENABLE_ONEDNN_OPTS='0',
                  TF_NUM_INTRAOP_THREADS='1', TF_NUM_INTEROP_THREADS='1')
  assert fast[0] == pytest.approx(4.67, abs=0.1)
  assert fast[-1] < fast[0]
  # Kernel libraries round differently; the mathematics is the same.
  np.testing.assert_allclose(fast, plain, rtol=1e-4)
