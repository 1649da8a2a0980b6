# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10_prepare.py: the environment, and TensorFlow's loading lines."""

import cifar10_prepare


def test_environment_defaults_keep_what_the_user_set():
  environ = {'TF_ENABLE_ONEDNN_OPTS': '0'}
  cifar10_prepare.configure_environment(environ)
  assert environ == {'TF_ENABLE_ONEDNN_OPTS': '0', 'TF_CPP_MIN_LOG_LEVEL': '2'}


# What TensorFlow 2.16 prints as it loads on a machine without a GPU, with
# TF_CPP_MIN_LOG_LEVEL=0 (at 2, the TF-TRT line is not printed at all).
TENSORFLOW_2_16_LOAD_LINES = [
    '2026-12-07 01:32:39.762544: I external/local_tsl/tsl/cuda/'
    'cudart_stub.cc:32] Could not find cuda drivers on your machine, GPU will '
    'not be used.\n',
    '2026-12-07 01:32:39.802304: E external/local_xla/xla/stream_executor/'
    'cuda/cuda_fft.cc:479] Unable to register cuFFT factory: Attempting to '
    'register factory for plugin cuFFT when one has already been '
    'registered\n',
    '2026-12-07 01:32:39.865753: E external/local_xla/xla/stream_executor/'
    'cuda/cuda_dnn.cc:10575] Unable to register cuDNN factory: Attempting to '
    'register factory for plugin cuDNN when one has already been '
    'registered\n',
    '2026-12-07 01:32:39.874441: E external/local_xla/xla/stream_executor/'
    'cuda/cuda_blas.cc:1442] Unable to register cuBLAS factory: Attempting '
    'to register factory for plugin cuBLAS when one has already been '
    'registered\n',
    '2026-12-07 01:32:39.905562: I tensorflow/core/platform/'
    'cpu_feature_guard.cc:210] This TensorFlow binary is optimized to use '
    'available CPU instructions in performance-critical operations.\n',
    'To enable the following instructions: AVX2 FMA, in other operations, '
    'rebuild TensorFlow with the appropriate compiler flags.\n',
    '2026-12-07 01:32:43.929867: W tensorflow/compiler/tf2tensorrt/utils/'
    'py_utils.cc:38] TF-TRT Warning: Could not find TensorRT\n',
]


def test_tensorflow_2_16s_loading_lines_are_held_back():
  assert cifar10_prepare.load_lines_to_show(TENSORFLOW_2_16_LOAD_LINES) == []


def test_any_other_line_of_tensorflows_loading_is_passed_on():
  other = ('2026-12-07 01:32:40.000000: E tensorflow/core/framework/'
           'op_kernel.cc:1] Could not load dynamic library libfoo.so\n')
  shown = cifar10_prepare.load_lines_to_show(
      TENSORFLOW_2_16_LOAD_LINES[:3] + [other] +
      TENSORFLOW_2_16_LOAD_LINES[3:])
  assert shown == [other]
