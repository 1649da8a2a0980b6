# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Exports the trained CIFAR-10 model for TensorFlow Serving and for phones.

  cifar10-export                                  # /tmp/cifar10_export/1/
  cifar10-export --version=2 --tflite --tflite_quantize
  saved_model_cli show --dir=/tmp/cifar10_export/1 --all

Writes a SavedModel into EXPORT_DIR/VERSION/, the layout TensorFlow Serving
watches, holding the moving averages of the weights of the newest checkpoint
in --checkpoint_dir (or of --checkpoint_path): the values cifar10-eval
measures. Two signatures, both computing what cifar10-predict computes:

  serving_default  image_bytes  string [N]              encoded PNG, JPEG,
                                                        GIF or BMP files
  predict_pixels   images       uint8 [N, 32, 32, 3]    pixels, channels last

  outputs of both  probabilities  float32 [N, classes]  softmax of the logits
                   classes        int64 [N]             the likeliest class
                   class_names    string [N]            its name

Encoded images are decoded and resized to 32x32 with
`cifar10_images.resize_to_record_size`; then every image goes through
evaluation's `cifar10_input.preprocess_for_eval`. With --tflite the version
folder also gets model.tflite, the predict_pixels signature for TensorFlow
Lite (float32); --tflite_quantize adds model_quantized.tflite, its weights
stored as 8-bit integers (dynamic-range quantization, a quarter of the size).

An existing version folder is left alone unless --overwrite; even then it is
replaced only once the new export is complete.

  machine (2026-11-24)                   export  --tflite --tflite_quantize
  AMD EPYC with AVX-512 (Zen 4), 2 cores  3.8 s   5.0 s
"""

import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

# pylint: disable=g-import-not-at-top,wrong-import-position
import os
import shutil
import sys
import tempfile

from absl import app
from absl import logging
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_data
import cifar10_flags
import cifar10_images
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS
cifar10_flags.define_reader_flags()

tf.compat.v1.flags.DEFINE_string(
    'export_dir', '/tmp/cifar10_export',
    'Folder of the exported versions; TensorFlow Serving\'s --model_base_path.')
tf.compat.v1.flags.DEFINE_integer(
    'version', 1,
    'Version number: the export goes to EXPORT_DIR/VERSION. TensorFlow '
    'Serving serves the highest.', lower_bound=0)
tf.compat.v1.flags.DEFINE_boolean(
    'tflite', False,
    'Also write model.tflite, the predict_pixels signature for TensorFlow '
    'Lite, in float32.')
tf.compat.v1.flags.DEFINE_boolean(
    'tflite_quantize', False,
    'Also write model_quantized.tflite, with weights quantized to 8 bits '
    '(dynamic-range quantization).')
cifar10_flags.define_overwrite_flag()

SERVE_TAG = tf.compat.v1.saved_model.tag_constants.SERVING
BYTES_SIGNATURE = 'serving_default'
PIXELS_SIGNATURE = 'predict_pixels'
TFLITE_FILE = 'model.tflite'
TFLITE_QUANTIZED_FILE = 'model_quantized.tflite'


def signature_outputs(pixels, class_names):
  """The model from 32x32 pixels to the outputs of both signatures
  (`cifar10.classify`, as cifar10-predict runs it).

  Args:
    pixels: uint8 Tensor [N, 32, 32, 3].
    class_names: The names of the classes, in label order.

  Returns:
    Dict of Tensors: `probabilities` float32 [N, classes], `classes` int64
    [N], `class_names` string [N].
  """
  probabilities, _ = cifar10.classify(pixels, len(class_names))
  classes = tf.argmax(probabilities, axis=1, name='classes')
  return {
      'probabilities': tf.identity(probabilities, name='probabilities'),
      'classes': classes,
      'class_names': tf.gather(tf.constant(list(class_names)), classes,
                               name='class_names'),
  }


def build_signatures(class_names):
  """Builds both signatures' graphs in the default graph.

  The two copies of the network share one set of variables. Each copy's ops
  are under the name scope of its signature.

  Args:
    class_names: The names of the classes, in label order.

  Returns:
    Dict from signature name to its SignatureDef.
  """
  predict_signature = (
      tf.compat.v1.saved_model.signature_def_utils.predict_signature_def)
  with tf.compat.v1.variable_scope(tf.compat.v1.get_variable_scope(),
                                   reuse=tf.compat.v1.AUTO_REUSE):
    with tf.compat.v1.name_scope(PIXELS_SIGNATURE):
      images = tf.compat.v1.placeholder(
          tf.uint8, [None, cifar10_data.HEIGHT, cifar10_data.WIDTH,
                     cifar10_data.DEPTH], name='images')
      from_pixels = signature_outputs(images, class_names)
    with tf.compat.v1.name_scope(BYTES_SIGNATURE):
      image_bytes = tf.compat.v1.placeholder(tf.string, [None],
                                             name='image_bytes')
      decoded = tf.map_fn(
          cifar10_images.decode_and_resize, image_bytes,
          fn_output_signature=tf.TensorSpec(
              [cifar10_data.HEIGHT, cifar10_data.WIDTH,
               cifar10_data.DEPTH], tf.uint8))
      from_bytes = signature_outputs(decoded, class_names)
  return {
      BYTES_SIGNATURE: predict_signature({'image_bytes': image_bytes},
                                         from_bytes),
      PIXELS_SIGNATURE: predict_signature({'images': images}, from_pixels),
  }


def write_saved_model(path, checkpoint_path, class_names):
  """Writes the SavedModel with the checkpoint's moving averages.

  Args:
    path: An empty or absent folder.
    checkpoint_path: The checkpoint.
    class_names: The names of the classes, in label order.

  Returns:
    The checkpoint's global step.

  Raises:
    UserError: the checkpoint cannot be read or does not fit the model.
  """
  with tf.Graph().as_default():
    signatures = build_signatures(class_names)
    averages = tf.compat.v1.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY).variables_to_restore()
    with tf.compat.v1.Session() as sess:
      step = cifar10_checkpoints.restore_checked(sess, checkpoint_path,
                                                 averages)
      builder = tf.compat.v1.saved_model.Builder(path)
      builder.add_meta_graph_and_variables(
          sess, [SERVE_TAG], signature_def_map=signatures,
          strip_default_attrs=True)
      builder.save()
  return step


def write_tflite(saved_model_dir, path, quantize):
  """Converts the predict_pixels signature to a TensorFlow Lite model.

  Args:
    saved_model_dir: The SavedModel from `write_saved_model`.
    path: The .tflite file to write.
    quantize: Store the weights as 8-bit integers (dynamic-range
      quantization); the arithmetic stays in float32.
  """
  converter = tf.lite.TFLiteConverter.from_saved_model(
      saved_model_dir, signature_keys=[PIXELS_SIGNATURE])
  if quantize:
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
  with open(path, 'wb') as f:
    f.write(converter.convert())


def version_dir(export_dir, version, overwrite):
  """The folder of one version, checked before any work is done.

  Raises:
    UserError: it exists and `overwrite` is False, or it is a dangling link.
  """
  target = os.path.join(export_dir, str(version))
  if os.path.islink(target) and not os.path.exists(target):
    raise cifar10_prepare.UserError(
        '%s is a symbolic link to %s, which does not exist: remove the link, '
        'or export as another --version' % (target, os.readlink(target)))
  if os.path.exists(target) and not overwrite:
    raise cifar10_prepare.UserError(
        '%s already exists: pass --overwrite to replace it, or export as '
        'another --version' % target)
  return target


def export(checkpoint_path, export_dir, version, class_names, tflite=False,
           tflite_quantize=False, overwrite=False):
  """Writes EXPORT_DIR/VERSION: the SavedModel and the asked-for .tflite files.

  Everything is written into a hidden folder beside the version's first,
  and renamed into place once complete; TensorFlow Serving ignores folders
  whose names are not numbers. A failure leaves the existing version as it
  was.

  Args:
    checkpoint_path: The checkpoint to export.
    export_dir: An existing, writable folder.
    version: The version number.
    class_names: The names of the classes, in label order.
    tflite: Also write model.tflite.
    tflite_quantize: Also write model_quantized.tflite.
    overwrite: Replace the version if it exists.

  Returns:
    (folder written, the checkpoint's global step).

  Raises:
    UserError: the version exists and `overwrite` is False, or the
      checkpoint cannot be read or does not fit the model.
  """
  target = version_dir(export_dir, version, overwrite)
  staging = tempfile.mkdtemp(prefix='.%d.partial-' % version, dir=export_dir)
  os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide it from a server.
  try:
    step = write_saved_model(staging, checkpoint_path, class_names)
    if tflite:
      write_tflite(staging, os.path.join(staging, TFLITE_FILE), False)
    if tflite_quantize:
      write_tflite(staging, os.path.join(staging, TFLITE_QUANTIZED_FILE),
                   True)
    version_dir(export_dir, version, overwrite)  # Made meanwhile?
    if os.path.exists(target):
      aside = tempfile.mkdtemp(prefix='.%d.replaced-' % version,
                               dir=export_dir)
      replaced = os.path.join(aside, 'old')
      os.rename(target, replaced)
      try:
        os.rename(staging, target)
      except OSError:
        os.rename(replaced, target)
        raise
      shutil.rmtree(aside)
    else:
      os.rename(staging, target)
  finally:
    shutil.rmtree(staging, ignore_errors=True)
  return target, step


def main(argv=None):
  del argv  # Unused: absl has parsed the flags.
  with cifar10_runtime.clean_exit():
    # The converter reloads the SavedModel, and the loader notes at INFO
    # level that a TF1 SavedModel has no fingerprint file.
    logging.set_verbosity(logging.ERROR)
    cifar10_checkpoints.check_reader_flags()
    cifar10_prepare.make_output_dir(FLAGS.export_dir, 'export_dir')
    version_dir(FLAGS.export_dir, FLAGS.version, FLAGS.overwrite)
    checkpoint_path = cifar10_checkpoints.checkpoint_to_read(
        FLAGS.checkpoint_dir, FLAGS.checkpoint_path)
    class_names = cifar10.class_names()
    target, step = export(checkpoint_path, FLAGS.export_dir, FLAGS.version,
                          class_names, tflite=FLAGS.tflite,
                          tflite_quantize=FLAGS.tflite_quantize,
                          overwrite=FLAGS.overwrite)
    print('Exported the moving averages of %s (step %d) to %s' %
          (checkpoint_path, step, target))
    print('  signatures: %s (input image_bytes: encoded images), %s (input '
          'images: uint8 [N, 32, 32, 3])' % (BYTES_SIGNATURE,
                                              PIXELS_SIGNATURE))
    for name in (TFLITE_FILE, TFLITE_QUANTIZED_FILE):
      path = os.path.join(target, name)
      if os.path.exists(path):
        print('  %s: %s bytes' % (path, '{:,}'.format(os.path.getsize(path))))
    sys.stdout.flush()


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-export [flags]'
HELP_GROUPS = (('Export', 'cifar10_export'), ('Checkpoint', 'cifar10_flags'),
               ('Model', 'cifar10'), ('Data', 'cifar10_data'))


def run():
  """Console entry point `cifar10-export`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
