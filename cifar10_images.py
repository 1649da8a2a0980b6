# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Image files in: read, checked, decoded and brought to the records' 32x32.

cifar10-predict, cifar10-export and cifar10-make-records all go through
these functions, so that an image file becomes the same 32x32 pixels, and so
the same logits, whichever of them reads it. And out: `write_pngs` saves
records as PNG files (cifar10-predict --save_test_images).
"""

import numpy as np
import tensorflow as tf

from cifar10_data import DEPTH
from cifar10_data import HEIGHT
from cifar10_data import WIDTH
from cifar10_prepare import file_problem
from cifar10_prepare import native_stderr
from cifar10_prepare import one_line
from cifar10_prepare import op_error_reason
from cifar10_prepare import UserError


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
JPEG_SIGNATURE = b'\xff\xd8\xff'
IMAGE_SIGNATURES = (b'\x89PNG\r\n\x1a\n', JPEG_SIGNATURE, b'GIF87a',
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
  problem = file_problem(path)
  if problem and problem != 'missing':  # A FIFO would block the read.
    raise UserError('%s is %s: give PNG, JPEG, GIF or BMP files'
                    % (path, problem))
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


# What libjpeg writes to stderr when it decodes a damaged file only in part
# (TensorFlow's decoder still returns an image).
JPEG_DAMAGE = ('Corrupt JPEG data', 'Premature end of JPEG file')


class Decoder(object):
  """Decodes image files to 32x32 RGB, refusing damaged ones.

  One graph and session for many files. Call it with a path: (uint8 array
  [32, 32, 3], None), or (None, why the file was refused).
  """

  def __init__(self):
    self._graph = tf.Graph()
    with self._graph.as_default():
      self._encoded = tf.compat.v1.placeholder(tf.string, [],
                                               name='image_bytes')
      self._pixels = decode_and_resize(self._encoded)
    self._sess = tf.compat.v1.Session(graph=self._graph)

  def __call__(self, path, data=None):
    try:
      if data is None:
        data = read_image_file(path)
      native = []
      if data.startswith(JPEG_SIGNATURE):  # Only libjpeg speaks of damage.
        with native_stderr(native):
          pixels = self._sess.run(self._pixels, {self._encoded: data})
      else:
        pixels = self._sess.run(self._pixels, {self._encoded: data})
    except UserError as e:
      return None, str(e)
    except tf.errors.InvalidArgumentError as e:
      return None, '%s is damaged or not an image (%s)' % (
          path, op_error_reason(e))
    damage = [line for line in native if line.startswith(JPEG_DAMAGE)]
    if damage:
      # libjpeg's line ends in a newline, which would split ours in two.
      return None, ('%s is damaged: its JPEG data decodes only in part (%s)'
                    % (path, one_line(damage[0]).rstrip('.')))
    return pixels, None

  def close(self):
    self._sess.close()


def decode_files(paths):
  """The images of `paths`, each brought to 32x32, as a numpy batch.

  Every file is read before any is decoded, so that a missing one is named
  at once.

  Args:
    paths: Paths of PNG, JPEG, GIF or BMP files.

  Returns:
    uint8 array [len(paths), 32, 32, 3].

  Raises:
    UserError: naming the first file that cannot be read, is not an image
      or is damaged.
  """
  contents = [read_image_file(path) for path in paths]
  decode = Decoder()
  try:
    resized = []
    for path, data in zip(paths, contents):
      pixels, problem = decode(path, data)
      if problem:
        raise UserError('%s: give PNG, JPEG, GIF or BMP files that open '
                        'whole' % problem)
      resized.append(pixels)
  finally:
    decode.close()
  return np.stack(resized)


def write_pngs(images, paths):
  """Saves images as PNG files, losslessly.

  Args:
    images: uint8 array [n, height, width, 3].
    paths: The n files to write.
  """
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    pixels = tf.compat.v1.placeholder(tf.uint8, [None, None, DEPTH])
    png = tf.io.encode_png(pixels)
    for image, path in zip(images, paths):
      with open(path, 'wb') as f:
        f.write(sess.run(png, {pixels: image}))
