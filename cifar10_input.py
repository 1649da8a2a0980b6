# Copyright 2015 The TensorFlow Authors. All Rights Reserved.
# Copyright 2026 The cifar10 suite authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================

"""Routine for decoding the CIFAR-10 binary file format.

The input pipeline of the tutorial: a filename queue over the record files
feeds a fixed-length record reader; each record is decoded, distorted (for
training) or centrally cropped (for evaluation), and batched through a queue
filled by `--num_preprocess_threads` threads.

Training records are read and distorted `--records_per_read` at a time, each
image with its own random draws, so the distortions cost a few ops per read
instead of about ten per image; the shuffling queue and what it holds are the
tutorial's.

Beyond the original, this module checks the record files before any queue
starts (`check_data_files`), so that bad data stops a script with one clear
line instead of a hang in a queue thread, and writes CIFAR-format files of its
own (`write_fake_data`) for tests and for the offline `--fake_data` demo.
"""

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os
import shutil
import tempfile

import numpy as np
from six.moves import xrange  # pylint: disable=redefined-builtin
import tensorflow as tf

FLAGS = tf.compat.v1.flags.FLAGS

# Input pipeline flags.
tf.compat.v1.flags.DEFINE_float(
    'min_fraction_of_examples_in_queue', 0.4,
    'Fraction of an epoch of training examples that the shuffling queue holds '
    'before training starts; 0.4 (20,000 images) as in the tutorial. Lower it '
    'for quick runs.', lower_bound=0.0, upper_bound=1.0)
tf.compat.v1.flags.DEFINE_integer(
    'num_preprocess_threads', None,
    'Number of threads that read, distort and enqueue images. Default: 16 '
    'where a GPU is visible, as in the tutorial; otherwise the number of CPU '
    'cores (at least 2), since the threads then share the cores with the '
    'model.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'records_per_read', 128,
    'Training records that a preprocessing thread reads and distorts at once. '
    'Each image gets its own random distortions whatever the number; larger '
    'reads spend less time per image. 1 runs the tutorial\'s per-image ops, '
    'one image at a time.', lower_bound=1)

# Process images of this size. Note that this differs from the original CIFAR
# image size of 32 x 32. If one alters this number, then the entire model
# architecture will change and any model would need to be retrained.
IMAGE_SIZE = 24

# Global constants describing the CIFAR-10 data set.
NUM_CLASSES = 10
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = 50000
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = 10000

# The binary record layout (SPEC section 4).
LABEL_BYTES = 1
HEIGHT = 32
WIDTH = 32
DEPTH = 3
RECORD_BYTES = LABEL_BYTES + HEIGHT * WIDTH * DEPTH  # 3073

# The training distortions (SPEC section 5).
MAX_BRIGHTNESS_DELTA = 63
CONTRAST_LOWER = 0.2
CONTRAST_UPPER = 1.8

CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
               'horse', 'ship', 'truck')

TRAIN_FILES = tuple('data_batch_%d.bin' % i for i in xrange(1, 6))
TEST_FILES = ('test_batch.bin',)
META_FILE = 'batches.meta.txt'


class DataError(ValueError):
  """Bad or missing CIFAR-10 data; the message names the file and the fix."""


def data_files(data_dir, eval_data=False):
  """Returns the record files of one split.

  Args:
    data_dir: Path to the CIFAR-10 data directory (`cifar-10-batches-bin`).
    eval_data: bool, the test file if True, else the five training files.

  Returns:
    List of paths.
  """
  names = TEST_FILES if eval_data else TRAIN_FILES
  return [os.path.join(data_dir, name) for name in names]


def check_data_files(filenames):
  """Checks record files before any queue thread reads them.

  A reader thread that meets a missing or truncated file fails far from the
  user's eyes; these checks fail first, in the user's terms.

  Args:
    filenames: List of paths of CIFAR-10 binary record files.

  Returns:
    Total number of records in the files.

  Raises:
    DataError: a file is missing or empty, its size is not a multiple of
      RECORD_BYTES, or a label byte is outside 0..NUM_CLASSES-1.
  """
  total = 0
  for path in filenames:
    name = os.path.basename(path)
    folder = os.path.dirname(path) or '.'
    if not tf.io.gfile.exists(path):
      if not tf.io.gfile.exists(folder):
        raise DataError(
            'no CIFAR-10 data in %s: run cifar10_train.py once to download '
            'it, point --data_dir at the folder that holds '
            'cifar-10-batches-bin, or pass --fake_data' % folder)
      raise DataError(
          '%s is missing from %s: restore it, or delete %s and run '
          'cifar10_train.py to download and extract it again'
          % (name, folder, folder))
    size = tf.io.gfile.stat(path).length
    if size == 0 or size % RECORD_BYTES:
      raise DataError(
          '%s is %s bytes, not a non-zero multiple of %s: the file is '
          'truncated or not CIFAR-10 binary data; delete %s and run '
          'cifar10_train.py to download and extract it again'
          % (path, '{:,}'.format(size), '{:,}'.format(RECORD_BYTES), folder))
    with tf.io.gfile.GFile(path, 'rb') as f:
      labels = np.frombuffer(f.read(), dtype=np.uint8)[::RECORD_BYTES]
    bad = np.flatnonzero(labels >= NUM_CLASSES)
    if bad.size:
      raise DataError(
          '%s: record %d has label %d, outside 0..%d: the file is corrupt; '
          'delete %s and run cifar10_train.py to download and extract it again'
          % (path, bad[0], labels[bad[0]], NUM_CLASSES - 1, folder))
    total += labels.size
  return total


def read_class_names(data_dir):
  """Returns the class names of `batches.meta.txt`, or the standard ones."""
  path = os.path.join(data_dir, META_FILE)
  if tf.io.gfile.exists(path):
    with tf.io.gfile.GFile(path, 'r') as f:
      names = [line.strip() for line in f if line.strip()]
    if len(names) == NUM_CLASSES:
      return tuple(names)
  return CLASS_NAMES


def read_cifar10(filename_queue):
  """Reads and parses examples from CIFAR10 data files.

  Recommendation: if you want N-way read parallelism, call this function
  N times.  This will give you N independent Readers reading different
  files & positions within those files, which will give better mixing of
  examples.

  Args:
    filename_queue: A queue of strings with the filenames to read from.

  Returns:
    An object representing a single example, with the following fields:
      height: number of rows in the result (32)
      width: number of columns in the result (32)
      depth: number of color channels in the result (3)
      key: a scalar string Tensor describing the filename & record number
        for this example.
      label: an int32 Tensor with the label in the range 0..9.
      uint8image: a [height, width, depth] uint8 Tensor with the image data
  """

  class CIFAR10Record(object):
    pass
  result = CIFAR10Record()

  result.height = HEIGHT
  result.width = WIDTH
  result.depth = DEPTH

  # Read a record, getting filenames from the filename_queue.  No
  # header or footer in the CIFAR-10 format, so we leave header_bytes
  # and footer_bytes at their default of 0.
  reader = tf.compat.v1.FixedLengthRecordReader(record_bytes=RECORD_BYTES)
  result.key, value = reader.read(filename_queue)

  # Convert from a string to a vector of uint8 that is RECORD_BYTES long.
  record_bytes = tf.io.decode_raw(value, tf.uint8)

  # The first bytes represent the label, which we convert from uint8->int32.
  result.label = tf.cast(
      tf.strided_slice(record_bytes, [0], [LABEL_BYTES]), tf.int32)

  # The remaining bytes after the label represent the image, which we reshape
  # from [depth * height * width] to [depth, height, width].
  depth_major = tf.reshape(
      tf.strided_slice(record_bytes, [LABEL_BYTES], [RECORD_BYTES]),
      [result.depth, result.height, result.width])
  # Convert from [depth, height, width] to [height, width, depth].
  result.uint8image = tf.transpose(depth_major, [1, 2, 0])

  return result


def preprocess_thread_count():
  """--num_preprocess_threads, or the default for this machine."""
  if FLAGS.num_preprocess_threads:
    return FLAGS.num_preprocess_threads
  if tf.config.list_physical_devices('GPU'):
    return 16
  return max(2, min(16, os.cpu_count() or 2))


def _generate_image_and_label_batch(image, label, min_queue_examples,
                                    batch_size, shuffle,
                                    allow_smaller_final_batch=False,
                                    enqueue_many=False):
  """Construct a queued batch of images and labels.

  Args:
    image: 3-D Tensor of [height, width, 3] of type.float32.
    label: 1-D Tensor of type.int32
    min_queue_examples: int32, minimum number of samples to retain
      in the queue that provides of batches of examples.
    batch_size: Number of images per batch.
    shuffle: boolean indicating whether to use a shuffling queue.
    allow_smaller_final_batch: boolean, let the last batch of a finite
      input be smaller than `batch_size` instead of dropping it.
    enqueue_many: boolean, `image` and `label` hold many examples, stacked
      along their first dimension.

  Returns:
    images: Images. 4D tensor of [batch_size, height, width, 3] size.
    labels: Labels. 1D tensor of [batch_size] size.
  """
  # Create a queue that shuffles the examples, and then
  # read 'batch_size' images + labels from the example queue.
  num_preprocess_threads = preprocess_thread_count()
  if allow_smaller_final_batch:
    # One pass, in file order: a single thread keeps the records in order, so
    # the first N images are always the same N.
    num_preprocess_threads = 1
  if shuffle:
    images, label_batch = tf.compat.v1.train.shuffle_batch(
        [image, label],
        batch_size=batch_size,
        num_threads=num_preprocess_threads,
        capacity=min_queue_examples + 3 * batch_size,
        min_after_dequeue=min_queue_examples,
        enqueue_many=enqueue_many)
  else:
    images, label_batch = tf.compat.v1.train.batch(
        [image, label],
        batch_size=batch_size,
        num_threads=num_preprocess_threads,
        capacity=min_queue_examples + 3 * batch_size,
        allow_smaller_final_batch=allow_smaller_final_batch,
        enqueue_many=enqueue_many)

  # Display the training images in the visualizer.
  tf.compat.v1.summary.image('images', images)

  return images, tf.reshape(label_batch, [-1])


def read_cifar10_records(filename_queue, num_records):
  """Reads and parses up to `num_records` examples at once.

  The batched form of `read_cifar10`: one reader step returns up to
  `num_records` consecutive records (fewer at the end of a file). The images
  stay depth-major, as stored: `distort_images` moves the channels last as
  it crops, in the same indexing step.

  Args:
    filename_queue: A queue of strings with the filenames to read from.
    num_records: The most records to read in one step.

  Returns:
    labels: int32 Tensor [n, 1], values in 0..9.
    depth_major_images: uint8 Tensor [n, 3, 32, 32].
  """
  reader = tf.compat.v1.FixedLengthRecordReader(record_bytes=RECORD_BYTES)
  _, values = reader.read_up_to(filename_queue, num_records)
  record_bytes = tf.io.decode_raw(values, tf.uint8)
  record_bytes.set_shape([None, RECORD_BYTES])
  labels = tf.cast(record_bytes[:, :LABEL_BYTES], tf.int32)
  depth_major_images = tf.reshape(record_bytes[:, LABEL_BYTES:],
                                  [-1, DEPTH, HEIGHT, WIDTH])
  return labels, depth_major_images


def random_distortions(num_images):
  """Draws the random parameters of the training distortions, per image.

  The same distributions as the tutorial's per-image ops: crop offsets
  uniform in 0..8 (`random_crop`), a left-right flip with probability 1/2
  (`random_flip_left_right`), a brightness delta uniform in [-63, 63)
  (`random_brightness`), a contrast factor uniform in [0.2, 1.8)
  (`random_contrast`); independent for every image.

  Args:
    num_images: Scalar int32 Tensor, the number of images.

  Returns:
    Dict of Tensors with a first dimension of `num_images`: `offsets`
    (int32 [n, 2], row and column), `flips` (bool [n]), `deltas` and
    `factors` (float32 [n]).
  """
  max_offset = HEIGHT - IMAGE_SIZE + 1
  return {
      'offsets': tf.random.uniform([num_images, 2], maxval=max_offset,
                                   dtype=tf.int32),
      'flips': tf.random.uniform([num_images]) < 0.5,
      'deltas': tf.random.uniform([num_images], -MAX_BRIGHTNESS_DELTA,
                                  MAX_BRIGHTNESS_DELTA),
      'factors': tf.random.uniform([num_images], CONTRAST_LOWER,
                                   CONTRAST_UPPER),
  }


def distort_images(depth_major_images, distortions):
  """Applies the training distortions to a batch, each image its own.

  For image i this computes what the tutorial's chain computes for one image
  whose random draws came out as `distortions[...][i]`: a 24x24 crop at
  `offsets[i]`, flipped left-right if `flips[i]`, plus `deltas[i]`
  brightness, contrast scaled by `factors[i]` about each channel's mean, then
  per-image standardization. Done for a whole batch in a few ops instead of
  about ten ops per image, which leaves the cores to the model.

  Args:
    depth_major_images: uint8 Tensor [n, 3, 32, 32], as in the records.
    distortions: Dict from `random_distortions(n)`.

  Returns:
    float32 Tensor [n, 24, 24, 3].
  """
  span = tf.range(IMAGE_SIZE)
  offsets = distortions['offsets']
  rows = offsets[:, :1] + span
  cols = offsets[:, 1:] + tf.where(distortions['flips'][:, None],
                                   IMAGE_SIZE - 1 - span, span)
  # Crop, flip and move the channels last in one gather: output pixel
  # [i, r, c, k] is record pixel [i, k, rows[i, r], cols[i, c]]. Pure
  # indexing, so the values are exactly the record's bytes.
  index = (tf.range(DEPTH) * (HEIGHT * WIDTH) +
           rows[:, :, None, None] * WIDTH + cols[:, None, :, None])
  flat = tf.reshape(depth_major_images, [-1, DEPTH * HEIGHT * WIDTH])
  images = tf.cast(tf.gather(flat, index, batch_dims=1), tf.float32)

  # Brightness, then contrast about each channel's mean, as adjust_brightness
  # and adjust_contrast do for one image: f * ((x + d) - (m + d)) + (m + d),
  # which is f * x + ((1 - f) * m + d), with m the mean of x.
  factors = distortions['factors'][:, None, None, None]
  deltas = distortions['deltas'][:, None, None, None]
  means = tf.reduce_mean(images, axis=[1, 2], keepdims=True)
  images = images * factors + ((1.0 - factors) * means + deltas)

  # Subtract off the mean and divide by the variance of the pixels.
  return tf.image.per_image_standardization(images)


def _distort_one_image(uint8image):
  """The tutorial's training distortions of one [32, 32, 3] uint8 image."""
  reshaped_image = tf.cast(uint8image, tf.float32)

  height = IMAGE_SIZE
  width = IMAGE_SIZE

  # Image processing for training the network. Note the many random
  # distortions applied to the image.

  # Randomly crop a [height, width] section of the image.
  distorted_image = tf.image.random_crop(reshaped_image, [height, width, 3])

  # Randomly flip the image horizontally.
  distorted_image = tf.image.random_flip_left_right(distorted_image)

  # Because these operations are not commutative, consider randomizing
  # the order their operation.
  distorted_image = tf.image.random_brightness(distorted_image,
                                               max_delta=MAX_BRIGHTNESS_DELTA)
  distorted_image = tf.image.random_contrast(distorted_image,
                                             lower=CONTRAST_LOWER,
                                             upper=CONTRAST_UPPER)

  # Subtract off the mean and divide by the variance of the pixels.
  float_image = tf.image.per_image_standardization(distorted_image)

  # Set the shapes of tensors.
  float_image.set_shape([height, width, 3])
  return float_image


def distorted_inputs(data_dir, batch_size):
  """Construct distorted input for CIFAR training using the Reader ops.

  The tutorial's distortions (random crop, flip, brightness, contrast, then
  per-image standardization) with the same per-image randomness, computed
  for `--records_per_read` records at a time (`distort_images`), then
  shuffled through the tutorial's queue of 20,000 distorted images. With
  `--records_per_read=1`, the tutorial's per-image ops themselves.

  Args:
    data_dir: Path to the CIFAR-10 data directory.
    batch_size: Number of images per batch.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size.
    labels: Labels. 1D tensor of [batch_size] size.

  Raises:
    DataError: the record files are missing or malformed.
  """
  filenames = data_files(data_dir, eval_data=False)
  check_data_files(filenames)

  with tf.compat.v1.name_scope('data_augmentation'):
    # Create a queue that produces the filenames to read.
    filename_queue = tf.compat.v1.train.string_input_producer(filenames)

    if FLAGS.records_per_read == 1:
      # The tutorial's pipeline as it was: one record, one op chain.
      read_input = read_cifar10(filename_queue)
      images = _distort_one_image(read_input.uint8image)
      labels = read_input.label
      labels.set_shape([1])
    else:
      # Many records per read, each image with its own random distortions.
      labels, records = read_cifar10_records(filename_queue,
                                             FLAGS.records_per_read)
      images = distort_images(records,
                              random_distortions(tf.shape(records)[0]))

    # Ensure that the random shuffling has good mixing properties.
    min_fraction_of_examples_in_queue = FLAGS.min_fraction_of_examples_in_queue
    min_queue_examples = int(NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN *
                             min_fraction_of_examples_in_queue)
    print('Filling queue with %d CIFAR images before starting to train. '
          'This will take a few minutes.' % min_queue_examples)

  # Generate a batch of images and labels by building up a queue of examples.
  return _generate_image_and_label_batch(
      images, labels, min_queue_examples, batch_size, shuffle=True,
      enqueue_many=FLAGS.records_per_read > 1)


def inputs(eval_data, data_dir, batch_size, num_epochs=None):
  """Construct input for CIFAR evaluation using the Reader ops.

  Args:
    eval_data: bool, indicating if one should use the train or eval data set.
    data_dir: Path to the CIFAR-10 data directory.
    batch_size: Number of images per batch.
    num_epochs: None to cycle through the files forever (as the tutorial
      did); 1 to read each record exactly once, in file order, ending with a
      smaller final batch and then `OutOfRangeError`. A finite count needs
      the local variables initialized.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size.
    labels: Labels. 1D tensor of [batch_size] size.

  Raises:
    DataError: the record files are missing or malformed.
  """
  filenames = data_files(data_dir, eval_data=eval_data)
  num_records = check_data_files(filenames)
  if not eval_data:
    num_examples_per_epoch = NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN
  else:
    num_examples_per_epoch = NUM_EXAMPLES_PER_EPOCH_FOR_EVAL

  with tf.compat.v1.name_scope('input'):
    # Create a queue that produces the filenames to read.
    filename_queue = tf.compat.v1.train.string_input_producer(
        filenames, num_epochs=num_epochs, shuffle=num_epochs is None)

    # Read examples from files in the filename queue.
    read_input = read_cifar10(filename_queue)
    reshaped_image = tf.cast(read_input.uint8image, tf.float32)

    height = IMAGE_SIZE
    width = IMAGE_SIZE

    # Image processing for evaluation.
    # Crop the central [height, width] of the image.
    resized_image = tf.image.resize_with_crop_or_pad(reshaped_image,
                                                     height, width)

    # Subtract off the mean and divide by the variance of the pixels.
    float_image = tf.image.per_image_standardization(resized_image)

    # Set the shapes of tensors.
    float_image.set_shape([height, width, 3])
    read_input.label.set_shape([1])

    # Ensure that the random shuffling has good mixing properties.
    min_fraction_of_examples_in_queue = FLAGS.min_fraction_of_examples_in_queue
    min_queue_examples = min(
        int(num_examples_per_epoch * min_fraction_of_examples_in_queue),
        num_records)

  # Generate a batch of images and labels by building up a queue of examples.
  return _generate_image_and_label_batch(
      float_image, read_input.label, min_queue_examples, batch_size,
      shuffle=False, allow_smaller_final_batch=num_epochs is not None)


# Synthetic CIFAR-format data (tests and --fake_data).

FAKE_TRAIN_RECORDS_PER_FILE = 2000
FAKE_TEST_RECORDS = 10000


def write_records(path, labels, images):
  """Writes records in the CIFAR-10 binary format.

  Args:
    path: File to write.
    labels: uint8-compatible array [n] of labels.
    images: uint8 array [n, 32, 32, 3], height x width x channel.
  """
  labels = np.asarray(labels, dtype=np.uint8).reshape(-1, 1)
  planes = np.asarray(images, dtype=np.uint8).transpose(0, 3, 1, 2)
  records = np.concatenate([labels, planes.reshape(len(labels), -1)], axis=1)
  with tf.io.gfile.GFile(path, 'wb') as f:
    f.write(records.tobytes())


def fake_examples(num_records, seed):
  """Makes learnable synthetic CIFAR-10 examples.

  Each class has its own hue: a colour offset of fixed direction added to a
  grey level, under heavy per-pixel noise. Random crops, flips, brightness,
  contrast and per-image standardization all keep the differences between
  colour channels, so a short training run can learn the classes.

  Args:
    num_records: Number of examples.
    seed: Seed of the numpy generator; the same seed gives the same bytes.

  Returns:
    labels: uint8 array [num_records], values 0..9.
    images: uint8 array [num_records, 32, 32, 3].
  """
  rng = np.random.default_rng(seed)
  labels = rng.integers(0, NUM_CLASSES, size=num_records).astype(np.uint8)
  angle = 2.0 * np.pi * labels / NUM_CLASSES
  hue = np.stack([np.cos(angle), np.cos(angle - 2.0 * np.pi / 3),
                  np.cos(angle + 2.0 * np.pi / 3)], axis=1)
  grey = rng.uniform(70.0, 180.0, size=(num_records, 1, 1, 1))
  strength = rng.uniform(30.0, 50.0, size=(num_records, 1, 1, 1))
  noise = rng.normal(0.0, 25.0, size=(num_records, HEIGHT, WIDTH, DEPTH))
  images = grey + strength * hue[:, None, None, :] + noise
  return labels, np.clip(np.rint(images), 0, 255).astype(np.uint8)


def write_fake_data(dest_dir, seed=0,
                    train_records_per_file=FAKE_TRAIN_RECORDS_PER_FILE,
                    test_records=FAKE_TEST_RECORDS):
  """Writes a synthetic `cifar-10-batches-bin` folder, once.

  The files appear all at once (written to a temporary folder, then renamed),
  so concurrent scripts never read a half-written set. An existing folder is
  left as it is.

  Args:
    dest_dir: Folder to create, with the five training files, the test file
      and `batches.meta.txt`.
    seed: Seed; the same seed and sizes give the same bytes.
    train_records_per_file: Records in each `data_batch_N.bin`.
    test_records: Records in `test_batch.bin`.

  Returns:
    dest_dir.
  """
  if tf.io.gfile.exists(dest_dir):
    return dest_dir
  parent = os.path.dirname(os.path.abspath(dest_dir))
  tf.io.gfile.makedirs(parent)
  tmp_dir = tempfile.mkdtemp(prefix='.fake-', dir=parent)
  try:
    for i, name in enumerate(TRAIN_FILES + TEST_FILES):
      count = test_records if name in TEST_FILES else train_records_per_file
      labels, images = fake_examples(count, seed=[seed, i])
      write_records(os.path.join(tmp_dir, name), labels, images)
    with open(os.path.join(tmp_dir, META_FILE), 'w') as f:
      f.write('\n'.join(CLASS_NAMES) + '\n\n')
    try:
      os.rename(tmp_dir, dest_dir)
    except OSError:
      if not os.path.isdir(dest_dir):  # Lost a race to another writer: fine.
        raise
  finally:
    shutil.rmtree(tmp_dir, ignore_errors=True)
  return dest_dir
