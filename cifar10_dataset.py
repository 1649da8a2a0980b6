# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The input pipeline in tf.data, for `--input_pipeline=tf_data`.

The same files, the same decoding and the same per-image preprocessing as
the queues of cifar10_input.py (which passes its own functions in), a
shuffle buffer as deep as the training queue, and an exact single pass for
evaluation. `cifar10_input.distorted_inputs()` and `inputs()` each make one
call to it (`training_batches`, `eval_batches`); the queues stay the
default, as in the tutorial.
"""

import warnings

import tensorflow as tf

import cifar10_data


def _records(filenames, record_bytes, num_epochs, shuffle_files):
  """The raw records of the files, as a Dataset of strings.

  Args:
    filenames: Paths of record files.
    record_bytes: Bytes in a record.
    num_epochs: Passes over the files; None for ever.
    shuffle_files: Visit the files in a new random order each pass, as the
      training filename queue does.
  """
  files = tf.data.Dataset.from_tensor_slices(list(filenames))
  if shuffle_files:
    files = files.shuffle(len(filenames), reshuffle_each_iteration=True)
  return files.repeat(num_epochs).flat_map(
      lambda name: tf.data.FixedLengthRecordDataset(name, record_bytes))


def _decode(value, fmt):
  """One raw record as `read_cifar10` decodes it.

  Args:
    value: Scalar string Tensor, a record of `fmt`.
    fmt: The `cifar10_data.RecordFormat` of the files.

  Returns:
    uint8image: uint8 Tensor [32, 32, 3].
    label: int32 Tensor [1].
  """
  raw = tf.io.decode_raw(value, tf.uint8)
  label = tf.reshape(tf.cast(raw[fmt.label_index], tf.int32), [1])
  planes = tf.reshape(raw[fmt.label_bytes:fmt.record_bytes],
                      [cifar10_data.DEPTH, cifar10_data.HEIGHT,
                       cifar10_data.WIDTH])
  return tf.transpose(planes, [1, 2, 0]), label


def _examples(filenames, fmt, num_epochs, shuffle_files, preprocess,
              **map_options):
  """(preprocessed image, label) of each record, as a Dataset.

  Args:
    filenames, num_epochs, shuffle_files: As for `_records`.
    fmt: The `cifar10_data.RecordFormat` of the files.
    preprocess: What to do to each uint8 image [32, 32, 3].
    **map_options: For `Dataset.map`.
  """
  def example(value):
    uint8image, label = _decode(value, fmt)
    return preprocess(uint8image), label

  records = _records(filenames, fmt.record_bytes, num_epochs, shuffle_files)
  with warnings.catch_warnings():
    # Under --seed, the random ops of `preprocess` take their seeds from the
    # graph's, as they should; TensorFlow warns that they might.
    warnings.filterwarnings('ignore', 'Seed .* from outer graph')
    return records.map(example, **map_options)


def training_dataset(filenames, fmt, batch_size, shuffle_buffer, distort,
                     num_threads):
  """Distorted, shuffled training batches.

  Args:
    filenames: Paths of the training record files.
    fmt: Their `cifar10_data.RecordFormat`.
    batch_size: Images per batch.
    shuffle_buffer: Images the shuffle draws from; 0 keeps the file order.
    distort: The training distortions of one uint8 image [32, 32, 3].
    num_threads: Images distorted in parallel.

  Returns:
    A Dataset of (float32 [batch_size, 24, 24, 3], int32 [batch_size, 1]).
  """
  examples = _examples(filenames, fmt, None, shuffle_buffer > 0, distort,
                       num_parallel_calls=num_threads)
  if shuffle_buffer:
    examples = examples.shuffle(shuffle_buffer)
  return examples.batch(batch_size, drop_remainder=True).prefetch(2)


def eval_dataset(filenames, fmt, batch_size, num_epochs, preprocess,
                 num_threads):
  """Evaluation batches, in file order.

  Args:
    filenames: Paths of record files.
    fmt: Their `cifar10_data.RecordFormat`.
    batch_size: Images per batch; with `num_epochs`, the last batch holds
      what is left.
    num_epochs: Passes over the files; None for ever.
    preprocess: The evaluation preprocessing of one uint8 image.
    num_threads: Images preprocessed in parallel (the order is kept).

  Returns:
    A Dataset of (float32 [n, 24, 24, 3], int32 [n, 1]).
  """
  examples = _examples(filenames, fmt, num_epochs, False, preprocess,
                       num_parallel_calls=num_threads, deterministic=True)
  return examples.batch(batch_size,
                        drop_remainder=num_epochs is None).prefetch(2)


def training_batches(filenames, min_queue_examples, batch_size, distort,
                     num_threads):
  """The training route of --input_pipeline=tf_data: batches of
  `training_dataset`, shuffled through a buffer as deep as the training
  queue when its threads keep it full (the images it keeps after each
  dequeue, plus three batches)."""
  buffer_size = min_queue_examples + 3 * batch_size
  print('Filling the tf.data shuffle buffer with {} images before starting '
        'to train.'.format(buffer_size))
  return next_batch(training_dataset(
      filenames, cifar10_data.record_format(), batch_size, buffer_size,
      distort, num_threads))


def eval_batches(filenames, batch_size, num_epochs, preprocess, num_threads):
  """The evaluation route of --input_pipeline=tf_data: batches of
  `eval_dataset`."""
  return next_batch(eval_dataset(filenames, cifar10_data.record_format(),
                                 batch_size, num_epochs, preprocess,
                                 num_threads))


def next_batch(dataset):
  """The batch of a one-shot iterator over `dataset`, as the queues give it.

  Returns:
    images: float32 Tensor [batch, 24, 24, 3], shown in TensorBoard as
      `images`.
    labels: int32 Tensor [batch].
  """
  images, labels = tf.compat.v1.data.make_one_shot_iterator(
      dataset).get_next()
  # Tagged `images` as given, not under the caller's name scope.
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.ImageSummary(tag='images', tensor=images))
  return images, tf.reshape(labels, [-1])
