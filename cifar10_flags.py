# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The flags that several commands share, each group defined once.

A command defines the groups it takes when it is imported: the trainers
`define_trainer_flags()`, the commands that read a trained model
`define_reader_flags()`, those that may replace their earlier output
`define_overwrite_flag()`. A group already defined is not defined again, so
tests can import every command into one process. The flags of the model and
its data are in cifar10.py, cifar10_input.py and cifar10_data.py.
"""

import tensorflow as tf

FLAGS = tf.compat.v1.flags.FLAGS


def define_trainer_flags():
  """Defines the flags every trainer shares.

  The trainers call it when they are imported; the commands that only read
  a trained model do not, so these flags are not theirs. Calling it again
  does nothing.
  """
  if 'train_dir' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_string(
      'train_dir', '/tmp/cifar10_train',
      'Folder for the checkpoints and TensorBoard event files of training.')
  tf.compat.v1.flags.DEFINE_integer(
      'max_steps', 1000000, 'Global step at which training stops.',
      lower_bound=0)
  tf.compat.v1.flags.DEFINE_boolean(
      'fresh_start', False,
      'Delete everything in --train_dir and train from step 0. Without it, '
      'training resumes from the newest checkpoint there.')
  tf.compat.v1.flags.DEFINE_boolean(
      'fall_back_checkpoint', False,
      'When the newest checkpoint in --train_dir cannot be read, or does not '
      'fit the model, unlist it and resume from the newest one that can.')
  tf.compat.v1.flags.DEFINE_boolean(
      'log_device_placement', False,
      'Print the device that each operation is placed on.')
  tf.compat.v1.flags.DEFINE_integer(
      'log_frequency', 10, 'Print the step line every this many steps.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_checkpoint_secs', 600,
      'Seconds between checkpoints: how cifar10_train.py saves unless '
      '--save_checkpoint_steps is given; the other trainers save by time '
      'only when this is given. One is also written at the last step.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_checkpoint_steps', 1000,
      'Steps between checkpoints: how the multi-tower and distributed '
      'trainers save unless --save_checkpoint_secs is given; '
      'cifar10_train.py saves by steps only when this is given.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_summaries_steps', 100,
      'Steps between TensorBoard summaries.', lower_bound=1)


def define_reader_flags():
  """Defines the flags of the commands that read a trained model (evaluate,
  predict, export). Calling it again does nothing."""
  if 'checkpoint_dir' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_string(
      'checkpoint_dir', '/tmp/cifar10_train',
      'The --train_dir of the training to read; its newest checkpoint is '
      'used.')
  tf.compat.v1.flags.DEFINE_string(
      'checkpoint_path', None,
      'One checkpoint to read instead of the newest in --checkpoint_dir: its '
      'path without the .index or .data suffix, such as '
      '/tmp/cifar10_train/model.ckpt-1000.')


def define_overwrite_flag():
  """Defines --overwrite, of the commands that write into a folder that may
  hold their earlier output (export, make-records). Calling it again does
  nothing."""
  if 'overwrite' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_boolean(
      'overwrite', False,
      'Replace what an earlier run wrote there (cifar10-export: the version '
      'folder; cifar10-make-records: the record files), once the new output '
      'is complete. Without it, existing output is refused.')
