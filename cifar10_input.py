# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The CIFAR-10 input pipeline: binary records in, batches of images out.

Training (`distorted_inputs`) and evaluation (`inputs`) both start from a
filename queue feeding a `FixedLengthRecordReader` (records of 3,073 bytes),
and end in a batching queue that `--num_preprocess_threads` threads fill.
Training crops 24x24 at random, flips, shifts brightness and contrast, and
standardizes each image, then shuffles through a queue holding
`min_fraction_of_examples_in_queue` of an epoch; evaluation takes the central
24x24 and standardizes it, in file order.

Training records are read and distorted `--records_per_read` at a time
(`read_cifar10_records`, `distort_images`): each image still draws its own
random distortions, but a read costs a few ops instead of about ten per
image. `--records_per_read=1` runs the per-image op chain instead.

`--input_pipeline=tf_data` builds the same pipeline from `tf.data` instead
of queues: the same files, the same decoding, distortions and evaluation
crop (the same functions), a shuffle buffer as deep as the queue, and an
exact one pass for evaluation. Queues stay the default, as in the tutorial.

Before any queue starts, `check_data_files` reads the record files' sizes and
labels, so that bad data stops a script with one line naming the file rather
than failing inside a queue thread. `write_fake_data` writes CIFAR-format
files of the project's own for tests and for `--fake_data`.
"""

import collections
import os
import re
import shutil
import tempfile

import numpy as np
import tensorflow as tf

from cifar10_prepare import DataError
from cifar10_prepare import one_line
from cifar10_prepare import UserError

FLAGS = tf.compat.v1.flags.FLAGS

# Flags of the input pipeline.
tf.compat.v1.flags.DEFINE_float(
    'min_fraction_of_examples_in_queue', 0.4,
    'Share of an epoch of training images that the shuffling queue holds '
    'before the first step: 0.4 is 20,000 images. Lower it for quick runs.',
    lower_bound=0.0, upper_bound=1.0)
tf.compat.v1.flags.DEFINE_integer(
    'num_preprocess_threads', None,
    'Threads that read, distort and enqueue images. Default: 16 when a GPU '
    'is visible; otherwise one per CPU core (at least 2), since the threads '
    'then share the cores with the model.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'records_per_read', 512,
    'Training records a preprocessing thread reads and distorts in one go. '
    'Every image draws its own distortions whatever the value; larger reads '
    'cost less per image. 1 runs the per-image op chain, one image a read.',
    lower_bound=1)

tf.compat.v1.flags.DEFINE_enum(
    'dataset', 'cifar10', ['cifar10', 'cifar100'],
    'The data set: "cifar10" (10 classes; also any folder that '
    'cifar10-make-records wrote) or "cifar100" (records with a coarse and a '
    'fine label, see --label).')
tf.compat.v1.flags.DEFINE_enum(
    'label', 'fine', ['fine', 'coarse'],
    'With --dataset=cifar100: train on the 100 fine classes or the 20 '
    'coarse ones.')
tf.compat.v1.flags.DEFINE_enum(
    'input_pipeline', 'queues', ['queues', 'tf_data'],
    'How images reach the model: "queues", the tutorial\'s reader and '
    'batching queues, or "tf_data", the same reading, distortions and '
    'shuffle depth built from tf.data.')

# The model sees 24x24 crops of the 32x32 records. The size fixes the shape
# of local3's weights: change it and earlier checkpoints no longer fit.
IMAGE_SIZE = 24

# The data set.
NUM_CLASSES = 10
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = 50000
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = 10000

# One record: a label byte, then three 32x32 colour planes (red, green, blue).
LABEL_BYTES = 1
HEIGHT = 32
WIDTH = 32
DEPTH = 3
RECORD_BYTES = LABEL_BYTES + HEIGHT * WIDTH * DEPTH  # 3073

# Ranges of the random training distortions.
MAX_BRIGHTNESS_DELTA = 63
CONTRAST_LOWER = 0.2
CONTRAST_UPPER = 1.8

CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
               'horse', 'ship', 'truck')

TRAIN_FILES = tuple('data_batch_%d.bin' % i for i in range(1, 6))
TEST_FILES = ('test_batch.bin',)
META_FILE = 'batches.meta.txt'

# CIFAR-100: one training and one test file; each record has two label bytes,
# the coarse class (of 20) and then the fine one (of 100).
CIFAR100_TRAIN_FILES = ('train.bin',)
CIFAR100_TEST_FILES = ('test.bin',)
CIFAR100_LABEL_FILES = {'coarse': 'coarse_label_names.txt',
                        'fine': 'fine_label_names.txt'}
CIFAR100_NUM_CLASSES = {'coarse': 20, 'fine': 100}
DATASET_NAMES = {'cifar10': 'CIFAR-10', 'cifar100': 'CIFAR-100'}


class RecordFormat(collections.namedtuple(
    'RecordFormat', ['label_bytes', 'label_index'])):
  """How a record begins: `label_bytes` label bytes, the one the model
  learns at `label_index`; the 3,072 image bytes follow."""

  @property
  def record_bytes(self):
    return self.label_bytes + HEIGHT * WIDTH * DEPTH


CIFAR10_FORMAT = RecordFormat(LABEL_BYTES, 0)

# The folders the data sets unpack to, and that of --fake_data: their
# epochs have the tutorial's sizes (see `epoch_size`).
CIFAR10_FOLDER = 'cifar-10-batches-bin'
CIFAR100_FOLDER = 'cifar-100-binary'
FAKE_DATA_FOLDER = 'cifar-10-fake-batches-bin'
STANDARD_FOLDERS = (CIFAR10_FOLDER, CIFAR100_FOLDER, FAKE_DATA_FOLDER)


def record_format():
  """The RecordFormat of the data set the flags select."""
  if FLAGS.dataset == 'cifar100':
    return RecordFormat(2, 0 if FLAGS.label == 'coarse' else 1)
  return CIFAR10_FORMAT


def data_files(data_dir, eval_data=False):
  """Paths of the record files of one split.

  Args:
    data_dir: The folder of record files (cifar-10-batches-bin, or another).
    eval_data: True for the test file, False for the training files.

  Returns:
    List of paths.
  """
  if FLAGS.dataset == 'cifar100':
    names = CIFAR100_TEST_FILES if eval_data else CIFAR100_TRAIN_FILES
  else:
    names = TEST_FILES if eval_data else TRAIN_FILES
    if (not eval_data and os.path.basename(os.path.normpath(data_dir)) not in
        STANDARD_FOLDERS):
      # A folder of cifar10-make-records: data_batch_1.bin up to the
      # highest number there (a gap is then reported as a missing file).
      numbers = [int(match.group(1)) for match in (
          re.fullmatch(r'data_batch_(\d+)\.bin', name)
          for name in (tf.io.gfile.listdir(data_dir)
                       if tf.io.gfile.isdir(data_dir) else [])) if match]
      if numbers:
        names = ['data_batch_%d.bin' % i for i in range(1, max(numbers) + 1)]
  return [os.path.join(data_dir, name) for name in names]


def check_data_files(filenames, num_classes=NUM_CLASSES):
  """Checks record files before any queue thread reads them.

  A queue thread that meets a missing or short file fails where nobody sees
  it; this check fails first, in the user's terms.

  Args:
    filenames: Paths of binary record files of the selected data set.
    num_classes: Labels must be below it.

  Returns:
    The number of records in all of them.

  Raises:
    DataError: a file is missing or empty, its size is not a multiple of
      the record size, or a label is num_classes or more.
  """
  fmt = record_format()
  total = 0
  for path in filenames:
    name = os.path.basename(path)
    folder = os.path.dirname(path) or '.'
    if not tf.io.gfile.exists(path):
      if not tf.io.gfile.exists(folder):
        raise DataError(
            'no %s data in %s: run cifar10_train.py once to download it, '
            'point --data_dir at the folder that holds %s, or pass '
            '--fake_data' % (DATASET_NAMES[FLAGS.dataset], folder,
                             os.path.basename(folder)))
      raise DataError(
          '%s is missing from %s: restore it, or delete %s and run '
          'cifar10_train.py to download and extract it again'
          % (name, folder, folder))
    size = tf.io.gfile.stat(path).length
    if size == 0 or size % fmt.record_bytes:
      raise DataError(
          '%s is %s bytes, not a non-zero multiple of %s: the file is '
          'truncated or not %s binary data (--dataset=%s); delete %s and run '
          'cifar10_train.py to download and extract it again'
          % (path, '{:,}'.format(size), '{:,}'.format(fmt.record_bytes),
             DATASET_NAMES[FLAGS.dataset], FLAGS.dataset, folder))
    with tf.io.gfile.GFile(path, 'rb') as f:
      labels = np.frombuffer(f.read(), dtype=np.uint8)[
          fmt.label_index::fmt.record_bytes]
    bad = np.flatnonzero(labels >= num_classes)
    if bad.size:
      raise DataError(
          '%s: record %d has label %d, outside 0..%d: the file is corrupt, '
          'or of another data set than --dataset=%s%s; delete %s and run '
          'cifar10_train.py to download and extract it again'
          % (path, bad[0], labels[bad[0]], num_classes - 1, FLAGS.dataset,
             ' --label=%s' % FLAGS.label if FLAGS.dataset == 'cifar100'
             else '', folder))
    total += labels.size
  return total


def count_records(filenames):
  """The number of records in existing record files of the selected set."""
  return sum(tf.io.gfile.stat(path).length
             for path in filenames) // record_format().record_bytes


def read_class_names(data_dir):
  """The class names of the data in `data_dir`, in label order.

  For CIFAR-100, those of --label (fine_label_names.txt or
  coarse_label_names.txt); otherwise the lines of batches.meta.txt, which
  cifar10-make-records writes with your classes. Without the file, the
  standard names (CIFAR-10's ten; CIFAR-100's as numbers).
  """
  if FLAGS.dataset == 'cifar100':
    path = os.path.join(data_dir, CIFAR100_LABEL_FILES[FLAGS.label])
    count = CIFAR100_NUM_CLASSES[FLAGS.label]
    default = tuple('class_%d' % i for i in range(count))
  else:
    path = os.path.join(data_dir, META_FILE)
    count, default = None, CLASS_NAMES
  if tf.io.gfile.exists(path):
    with tf.io.gfile.GFile(path, 'r') as f:
      names = tuple(line.strip() for line in f if line.strip())
    if names and (count is None or len(names) == count):
      return names
  return default


class CIFAR10Record(object):
  """One example from `read_cifar10`.

  Attributes:
    height, width, depth: 32, 32 and 3.
    key: string Tensor naming the file and the record's place in it.
    label: int32 Tensor [1], in 0..9.
    uint8image: uint8 Tensor [32, 32, 3], channels last.
  """
  height = HEIGHT
  width = WIDTH
  depth = DEPTH

  def __init__(self, key, label, uint8image):
    self.key = key
    self.label = label
    self.uint8image = uint8image


def read_cifar10(filename_queue):
  """Builds the ops that read the next record of the queue's files.

  The format has no header or footer: each record is RECORD_BYTES long. Each
  call makes a reader of its own, so threads that each call it read
  different files, or different places in one, and mix the examples better.

  Args:
    filename_queue: Queue of file-name strings.

  Returns:
    A CIFAR10Record.
  """
  fmt = record_format()
  reader = tf.compat.v1.FixedLengthRecordReader(
      record_bytes=fmt.record_bytes)
  key, value = reader.read(filename_queue)
  raw = tf.io.decode_raw(value, tf.uint8)
  label = tf.reshape(tf.cast(raw[fmt.label_index], tf.int32), [1])
  # The planes are stored one colour after another: move colour last.
  planes = tf.reshape(raw[fmt.label_bytes:fmt.record_bytes],
                      [DEPTH, HEIGHT, WIDTH])
  return CIFAR10Record(key, label, tf.transpose(planes, [1, 2, 0]))


def preprocess_thread_count():
  """--num_preprocess_threads, or the default for this machine."""
  if FLAGS.num_preprocess_threads:
    return FLAGS.num_preprocess_threads
  if tf.config.list_physical_devices('GPU'):
    return 16
  return max(2, min(16, os.cpu_count() or 2))


def _generate_image_and_label_batch(image, label, min_queue_examples,
                                    batch_size, shuffle, enqueue_many=False,
                                    allow_smaller_final_batch=False):
  """Batches examples through a queue that preprocessing threads fill.

  Args:
    image: float32 Tensor [height, width, 3], or [n, height, width, 3] with
      `enqueue_many`.
    label: int32 Tensor [1], or [n, 1] with `enqueue_many`.
    min_queue_examples: Examples a shuffling queue keeps after each dequeue;
      the queue holds that many plus three batches.
    batch_size: Examples per batch.
    shuffle: Draw batches at random from the queue (training), or in the
      order the examples arrive (evaluation).
    enqueue_many: `image` and `label` hold several examples each.
    allow_smaller_final_batch: For a finite input: end with a short batch
      rather than dropping the last examples. One thread then keeps the
      file order.

  Returns:
    images: float32 Tensor [batch_size, height, width, 3].
    labels: int32 Tensor [batch_size].
  """
  threads = 1 if allow_smaller_final_batch else preprocess_thread_count()
  queue_options = dict(batch_size=batch_size, num_threads=threads,
                       capacity=min_queue_examples + 3 * batch_size,
                       enqueue_many=enqueue_many)
  if shuffle:
    images, labels = tf.compat.v1.train.shuffle_batch(
        [image, label], min_after_dequeue=min_queue_examples, **queue_options)
  else:
    images, labels = tf.compat.v1.train.batch(
        [image, label], allow_smaller_final_batch=allow_smaller_final_batch,
        **queue_options)
  # TensorBoard's Images tab shows a few of each batch.
  tf.compat.v1.summary.image('images', images)
  return images, tf.reshape(labels, [-1])


def read_cifar10_records(filename_queue, num_records):
  """Reads up to `num_records` consecutive records in one step.

  The many-at-once form of `read_cifar10` (fewer records come at the end of
  a file). The colour planes stay as stored: `distort_images` crops them
  plane by plane and moves colour last.

  Args:
    filename_queue: Queue of file-name strings.
    num_records: The most records one step reads.

  Returns:
    labels: int32 Tensor [n, 1], in 0..9.
    depth_major_images: uint8 Tensor [n, 3, 32, 32].
  """
  fmt = record_format()
  reader = tf.compat.v1.FixedLengthRecordReader(
      record_bytes=fmt.record_bytes)
  _, values = reader.read_up_to(filename_queue, num_records)
  raw = tf.io.decode_raw(values, tf.uint8)
  raw.set_shape([None, fmt.record_bytes])
  labels = tf.cast(raw[:, fmt.label_index:fmt.label_index + 1], tf.int32)
  depth_major_images = tf.reshape(raw[:, fmt.label_bytes:],
                                  [-1, DEPTH, HEIGHT, WIDTH])
  return labels, depth_major_images


def random_distortions(num_images):
  """Draws each image's training distortions.

  The distributions of the per-image ops: crop offsets uniform in 0..8
  (`random_crop`), a left-right flip with probability 1/2
  (`random_flip_left_right`), a brightness delta uniform in [-63, 63)
  (`random_brightness`), a contrast factor uniform in [0.2, 1.8)
  (`random_contrast`); all independent.

  Args:
    num_images: Scalar int32 Tensor.

  Returns:
    Dict of Tensors whose first dimension is `num_images`: `offsets` (int32
    [n, 2], row then column), `flips` (bool [n]), `deltas` and `factors`
    (float32 [n]).
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
  """Applies the training distortions to many images, each its own.

  Image i comes out as the per-image chain would make it had its random
  draws been `distortions[...][i]`: the 24x24 crop at `offsets[i]`, mirrored
  if `flips[i]`, brightness moved by `deltas[i]`, contrast scaled by
  `factors[i]` about each channel's mean, then standardized.

  Args:
    depth_major_images: uint8 Tensor [n, 3, 32, 32], as stored.
    distortions: Dict from `random_distortions(n)`.

  Returns:
    float32 Tensor [n, 24, 24, 3].
  """
  # The crop in two steps, each exact. First a gather of whole rows: for
  # image i, plane k and output row r, stored row offsets[i, 0] + r (slices
  # of 32 bytes, far cheaper than gathering byte by byte).
  num_images = tf.shape(depth_major_images)[0]
  offsets = distortions['offsets']
  planes = (tf.range(num_images)[:, None, None] * DEPTH +
            tf.range(DEPTH)[None, :, None])
  rows = tf.gather(tf.reshape(depth_major_images, [-1, WIDTH]),
                   planes * HEIGHT + offsets[:, 0, None, None] +
                   tf.range(IMAGE_SIZE)[None, None, :])
  rows = tf.reshape(tf.cast(rows, tf.float32), [-1, DEPTH * IMAGE_SIZE, WIDTH])
  # Then the columns, mirrored or not, as a product with a 0/1 matrix per
  # image: output column c takes stored column offsets[i, 1] + c (or + 23 - c
  # if flipped). Each output is one byte times 1 plus zeros, so exact in any
  # float format that holds 0..255 (float32, and bfloat16 too).
  columns = tf.range(IMAGE_SIZE)[None, :]
  sources = offsets[:, 1, None] + tf.where(distortions['flips'][:, None],
                                           IMAGE_SIZE - 1 - columns, columns)
  cropped = tf.matmul(rows, tf.one_hot(sources, WIDTH, axis=1))
  # Brightness, contrast and standardization fold into one scale per image
  # and one shift per channel. The brightness delta drops out: standardizing
  # subtracts the image's mean, which the delta moved by as much as each
  # pixel. The deltas are drawn all the same, as the per-image chain draws
  # them.
  mean, scale, shift = _contrast_and_standardization(
      cropped, distortions['factors'])
  # Still plane by plane, where each channel's scale and shift run along
  # the last axis; then colour last, as the network takes it.
  channels = tf.reshape(cropped, [-1, DEPTH, IMAGE_SIZE * IMAGE_SIZE])
  images = ((channels - mean[:, :, None]) * scale[:, :, None] +
            shift[:, :, None])
  return tf.transpose(
      tf.reshape(images, [-1, DEPTH, IMAGE_SIZE, IMAGE_SIZE]), [0, 2, 3, 1])


def _contrast_and_standardization(cropped, factors):
  """The contrast change and standardization of each image, folded.

  For image x, brightness delta d and contrast factor f, the per-image chain
  makes y = f * (x + d - m_c) + m_c + d, with m_c the mean of channel c of
  x, then standardizes y over the whole image. The mean of y is M + d (M:
  the mean of x) and its variance is f^2 * W + B, with W the mean of the
  channels' variances and B the variance of their means (f scales the
  spread within each channel, not the channels' differences). So the
  distorted image is (x - M) * scale + shift_c, with s = max(sqrt(f^2 W +
  B), 1 / sqrt(pixels)), scale = f / s and shift_c = (1 - f) * (m_c - M) /
  s; d cancels out. Subtracting M first keeps the products small, so a flat
  image comes out as exact zeros.

  The sums are exact: x - 128 is an integer in -128..127, so its sum and
  its sum of squares over the 576 pixels of a channel stay whole numbers
  below 2^24, which float32 holds exactly in any order of addition. The
  few statistics made from them are then worked out in float64.

  Args:
    cropped: float32 Tensor [n, 3 * 24, 24] of whole pixel values, plane by
      plane.
    factors: float32 Tensor [n], the contrast factors.

  Returns:
    mean: float32 Tensor [n, 1], M of each image.
    scale: float32 Tensor [n, 1], one per image.
    shift: float32 Tensor [n, 3], one per image and channel.
  """
  pixels = IMAGE_SIZE * IMAGE_SIZE
  centred = tf.reshape(cropped, [-1, DEPTH, pixels]) - 128.0
  sums = tf.cast(tf.reduce_sum(centred, axis=2), tf.float64)
  squares = tf.cast(tf.reduce_sum(tf.square(centred), axis=2), tf.float64)
  channel_means = sums / pixels
  within = tf.reduce_mean(squares / pixels - tf.square(channel_means),
                          axis=1, keepdims=True)
  image_means = tf.reduce_mean(channel_means, axis=1, keepdims=True)
  between = tf.reduce_mean(tf.square(channel_means - image_means),
                           axis=1, keepdims=True)
  factors = tf.cast(factors[:, None], tf.float64)
  spread = tf.maximum(tf.sqrt(tf.square(factors) * within + between),
                      1.0 / (pixels * DEPTH) ** 0.5)
  return (tf.cast(128.0 + image_means, tf.float32),
          tf.cast(factors / spread, tf.float32),
          tf.cast((1.0 - factors) * (channel_means - image_means) / spread,
                  tf.float32))


def _distort_one_image(uint8image):
  """The per-image op chain of the training distortions.

  Args:
    uint8image: uint8 Tensor [32, 32, 3].

  Returns:
    float32 Tensor [24, 24, 3].
  """
  image = tf.cast(uint8image, tf.float32)
  image = tf.image.random_crop(image, [IMAGE_SIZE, IMAGE_SIZE, DEPTH])
  image = tf.image.random_flip_left_right(image)
  # Brightness first, then contrast: the two do not commute.
  image = tf.image.random_brightness(image, max_delta=MAX_BRIGHTNESS_DELTA)
  image = tf.image.random_contrast(image, lower=CONTRAST_LOWER,
                                   upper=CONTRAST_UPPER)
  image = tf.image.per_image_standardization(image)
  image.set_shape([IMAGE_SIZE, IMAGE_SIZE, DEPTH])
  return image


def preprocess_for_eval(uint8image):
  """What evaluation does to an image: the central 24x24, standardized.

  cifar10_eval.py, cifar10_predict.py and the exported model all use it, so
  that an image gets the same logits whichever of them classifies it.

  Args:
    uint8image: uint8 Tensor [32, 32, 3].

  Returns:
    float32 Tensor [24, 24, 3].
  """
  image = tf.image.resize_with_crop_or_pad(tf.cast(uint8image, tf.float32),
                                           IMAGE_SIZE, IMAGE_SIZE)
  image = tf.image.per_image_standardization(image)
  image.set_shape([IMAGE_SIZE, IMAGE_SIZE, DEPTH])
  return image


def resize_to_record_size(image):
  """Brings a decoded image of any size to the records' 32x32, as uint8.

  Area averaging when shrinking (each output pixel is the mean of the pixels
  it covers), bilinear when enlarging; then rounded to bytes, so a resized
  image is exactly what a CIFAR-format record of it would hold. Predict,
  export and make-records all resize with this function.

  Args:
    image: uint8 Tensor [height, width, 3].

  Returns:
    uint8 Tensor [32, 32, 3].
  """
  shape = tf.shape(image)
  shrinking = tf.logical_and(shape[0] >= HEIGHT, shape[1] >= WIDTH)
  pixels = tf.cast(image, tf.float32)
  resized = tf.cond(
      shrinking,
      lambda: tf.image.resize(pixels, [HEIGHT, WIDTH], method='area'),
      lambda: tf.image.resize(pixels, [HEIGHT, WIDTH], method='bilinear'))
  resized = tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8)
  resized.set_shape([HEIGHT, WIDTH, DEPTH])
  return resized


def decode_and_resize(encoded):
  """Decodes an image file's bytes (a GIF's first frame) to 32x32 RGB.

  Args:
    encoded: Scalar string Tensor: a PNG, JPEG, GIF or BMP file.

  Returns:
    uint8 Tensor [32, 32, 3].
  """
  image = tf.io.decode_image(encoded, channels=DEPTH, expand_animations=False)
  return resize_to_record_size(image)


# How the files that `tf.io.decode_image` reads begin: PNG, JPEG, GIF, BMP,
# WebP (a RIFF container) and JPEG XL (bare, or in its container).
IMAGE_SIGNATURES = (b'\x89PNG\r\n\x1a\n', b'\xff\xd8\xff', b'GIF87a',
                    b'GIF89a', b'BM', b'RIFF', b'\xff\x0a',
                    b'\x00\x00\x00\x0cJXL ')


def read_image_file(path):
  """The bytes of an image file.

  Files that do not even begin as an image are refused here, in one line,
  before TensorFlow's decoder logs its own error for them.

  Args:
    path: The file.

  Returns:
    Its contents, bytes.

  Raises:
    UserError: the file cannot be read or is not an image.
  """
  try:
    with open(path, 'rb') as f:
      data = f.read()
  except OSError as e:
    raise UserError('cannot read %s (%s): check the path'
                    % (path, one_line(e)))
  if not data.startswith(IMAGE_SIGNATURES):
    raise UserError('%s is not an image (%s): give PNG, JPEG, GIF or BMP '
                    'files' % (path, 'it is empty' if not data else
                               'it begins with %r' % data[:8]))
  return data


def _record_dataset(filenames, num_epochs, shuffle_files):
  """The raw records of the files, as a tf.data.Dataset of strings.

  Args:
    filenames: Paths of record files.
    num_epochs: Passes over the files; None for ever.
    shuffle_files: Visit the files in a new random order each pass, as the
      training filename queue does.
  """
  files = tf.data.Dataset.from_tensor_slices(list(filenames))
  if shuffle_files:
    files = files.shuffle(len(filenames), reshuffle_each_iteration=True)
  record_bytes = record_format().record_bytes
  return files.repeat(num_epochs).flat_map(
      lambda name: tf.data.FixedLengthRecordDataset(name, record_bytes))


def _split_records(values):
  """Labels and depth-major images of a batch of raw records.

  Args:
    values: string Tensor [n], each a record of `record_format()`.

  Returns:
    labels: int32 Tensor [n, 1].
    depth_major_images: uint8 Tensor [n, 3, 32, 32].
  """
  fmt = record_format()
  raw = tf.reshape(tf.io.decode_raw(values, tf.uint8),
                   [-1, fmt.record_bytes])
  return (tf.cast(raw[:, fmt.label_index:fmt.label_index + 1], tf.int32),
          tf.reshape(raw[:, fmt.label_bytes:], [-1, DEPTH, HEIGHT, WIDTH]))


def training_dataset(filenames, batch_size, shuffle_buffer,
                     draw_distortions=random_distortions):
  """The training pipeline in tf.data: distorted, shuffled batches.

  Reads `--records_per_read` records at a time and distorts them with
  `distort_images` (or one at a time with the per-image chain when that
  flag is 1), on `preprocess_thread_count()` threads, then shuffles images
  through a buffer of `shuffle_buffer` and batches them.

  Args:
    filenames: Paths of the training record files.
    batch_size: Images per batch.
    shuffle_buffer: Images the shuffle draws from; 0 keeps the file order.
    draw_distortions: Returns the distortions of n images (see
      `random_distortions`); tests pass fixed ones.

  Returns:
    A Dataset of (float32 [batch_size, 24, 24, 3], int32 [batch_size, 1]).
  """
  records = _record_dataset(filenames, None, shuffle_files=shuffle_buffer > 0)
  threads = preprocess_thread_count()
  if FLAGS.records_per_read == 1:
    def distort_one(value):
      labels, images = _split_records(value[None])
      uint8image = tf.transpose(images[0], [1, 2, 0])
      return _distort_one_image(uint8image), labels[0]
    examples = records.map(distort_one, num_parallel_calls=threads)
  else:
    def distort_many(values):
      labels, images = _split_records(values)
      return (distort_images(images, draw_distortions(tf.shape(images)[0])),
              labels)
    examples = records.batch(FLAGS.records_per_read).map(
        distort_many, num_parallel_calls=threads).unbatch()
  if shuffle_buffer:
    examples = examples.shuffle(shuffle_buffer)
  return examples.batch(batch_size, drop_remainder=True).prefetch(2)


def eval_dataset(filenames, batch_size, num_epochs):
  """The evaluation pipeline in tf.data: `preprocess_for_eval` in order.

  Args:
    filenames: Paths of record files.
    batch_size: Images per batch; with `num_epochs`, the last batch holds
      what is left.
    num_epochs: Passes over the files; None for ever.

  Returns:
    A Dataset of (float32 [n, 24, 24, 3], int32 [n, 1]).
  """
  def preprocess(value):
    labels, images = _split_records(value[None])
    return (preprocess_for_eval(tf.transpose(images[0], [1, 2, 0])),
            labels[0])
  examples = _record_dataset(filenames, num_epochs, shuffle_files=False).map(
      preprocess, num_parallel_calls=preprocess_thread_count(),
      deterministic=True)
  return examples.batch(batch_size,
                        drop_remainder=num_epochs is None).prefetch(2)


def _next_batch(dataset):
  """The batch tensors of a one-shot iterator over `dataset`, summarized."""
  images, labels = tf.compat.v1.data.make_one_shot_iterator(
      dataset).get_next()
  tf.compat.v1.summary.image('images', images)
  return images, tf.reshape(labels, [-1])


def epoch_size(data_dir, eval_data=False, num_records=None):
  """Images in an epoch of one split of the data in `data_dir`.

  The tutorial's constants for the CIFAR folders (CIFAR-100 has the same
  split) and for --fake_data, whose smaller files stand in for CIFAR-10;
  for any other folder, such as one of cifar10-make-records, the number of
  records in its files.

  Args:
    data_dir: The folder of record files.
    eval_data: The test split rather than the training one.
    num_records: The records of its files, when already counted.
  """
  if os.path.basename(os.path.normpath(data_dir)) in STANDARD_FOLDERS:
    return (NUM_EXAMPLES_PER_EPOCH_FOR_EVAL if eval_data
            else NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN)
  if num_records is None:
    num_records = count_records(data_files(data_dir, eval_data))
  return num_records


def distorted_inputs(data_dir, batch_size, num_classes=NUM_CLASSES):
  """Shuffled batches of distorted training images.

  Args:
    data_dir: The folder of record files.
    batch_size: Images per batch.
    num_classes: Labels must be below it.

  Returns:
    images: float32 Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 Tensor [batch_size].

  Raises:
    DataError: the record files are missing or malformed.
  """
  filenames = data_files(data_dir, eval_data=False)
  num_records = check_data_files(filenames, num_classes)

  with tf.compat.v1.name_scope('data_augmentation'):
    # The shuffling queue keeps this many images, so that a batch mixes
    # images from all over the training files.
    min_fraction_of_examples_in_queue = FLAGS.min_fraction_of_examples_in_queue
    min_queue_examples = int(epoch_size(data_dir, False, num_records) *
                             min_fraction_of_examples_in_queue)
    print('Filling queue with {} CIFAR images before starting to train. '
          'This will take a few minutes.'.format(min_queue_examples))
    if FLAGS.input_pipeline == 'tf_data':
      # As deep as the queue when the threads keep it full: the images kept
      # after each dequeue, plus three batches.
      return _next_batch(training_dataset(
          filenames, batch_size, min_queue_examples + 3 * batch_size))

    filename_queue = tf.compat.v1.train.string_input_producer(filenames)
    if FLAGS.records_per_read == 1:
      record = read_cifar10(filename_queue)
      images, labels = _distort_one_image(record.uint8image), record.label
    else:
      labels, records = read_cifar10_records(filename_queue,
                                             FLAGS.records_per_read)
      images = distort_images(records,
                              random_distortions(tf.shape(records)[0]))

  return _generate_image_and_label_batch(
      images, labels, min_queue_examples, batch_size, shuffle=True,
      enqueue_many=FLAGS.records_per_read > 1)


def inputs(eval_data, data_dir, batch_size, num_epochs=None,
           num_classes=NUM_CLASSES):
  """Batches of centrally cropped images, in file order, for evaluation.

  Args:
    eval_data: True for the test file, False for the training files.
    data_dir: The folder of record files.
    batch_size: Images per batch.
    num_epochs: None to cycle through the files forever; 1 to read each
      record exactly once, ending with a short batch and then
      `OutOfRangeError` (the epoch counter is a local variable: initialize
      local variables first).
    num_classes: Labels must be below it.

  Returns:
    images: float32 Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 Tensor [batch_size].

  Raises:
    DataError: the record files are missing or malformed.
  """
  filenames = data_files(data_dir, eval_data=eval_data)
  num_records = check_data_files(filenames, num_classes)
  examples = epoch_size(data_dir, eval_data, num_records)

  with tf.compat.v1.name_scope('input'):
    if FLAGS.input_pipeline == 'tf_data':
      return _next_batch(eval_dataset(filenames, batch_size, num_epochs))
    filename_queue = tf.compat.v1.train.string_input_producer(
        filenames, num_epochs=num_epochs, shuffle=num_epochs is None)
    record = read_cifar10(filename_queue)
    image = preprocess_for_eval(record.uint8image)
    min_queue_examples = min(
        int(examples * FLAGS.min_fraction_of_examples_in_queue),
        num_records)

  return _generate_image_and_label_batch(
      image, record.label, min_queue_examples, batch_size, shuffle=False,
      allow_smaller_final_batch=num_epochs is not None)


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
