# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Classifies your own image files with the trained CIFAR-10 model.

  cifar10-predict --save_test_images=pngs     # 10 test images to try it on
  cifar10-predict pngs/test_0000_*.png        # the 3 likeliest classes
  cifar10-predict --top_k=1 --json pngs/*     # one JSON object a line
  cifar10-predict --checkpoint_path=/tmp/cifar10_train/model.ckpt-5000 cat.jpg

Each file (PNG, JPEG, GIF or BMP, of any size; a GIF's first frame) is
brought to the records' 32x32 by `cifar10_images.resize_to_record_size`, then
treated exactly as cifar10-eval treats a test image: the central 24x24,
standardized (`cifar10_input.preprocess_for_eval`), through the network with
the moving averages of the weights. So a test image saved as a PNG gets the
class that evaluation gives it. The probabilities are the softmax of the
logits. The class names are those of batches.meta.txt in the data folder, or
the standard ten when there is none; the data set itself is not needed.

  machine                                 5 files  1,000 files
  AMD EPYC with AVX-512 (Zen 4), 2 cores   3.9 s    4.5 s (start-up is
                                                    most of it)
"""

import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

# pylint: disable=g-import-not-at-top,wrong-import-position
import json
import os
import re
import sys

from absl import app
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_data
import cifar10_flags
import cifar10_images
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS
cifar10_flags.define_reader_flags()

tf.compat.v1.flags.DEFINE_integer(
    'top_k', 3,
    'Classes to print for each image, likeliest first (all of them when it '
    'exceeds the number of classes).', lower_bound=1)
tf.compat.v1.flags.DEFINE_boolean(
    'json', False,
    'Print one JSON object a line for each image, {"file": ..., '
    '"predictions": [{"class": ..., "probability": ...}, ...]}, instead of '
    'text.')
tf.compat.v1.flags.DEFINE_string(
    'save_test_images', None,
    'Instead of classifying: write the first --num_test_images images of '
    'the test file in --data_dir (that of --dataset, or of --fake_data) '
    'into this folder as PNG files named test_NNNN_<class>.png, images to '
    'try the command on.')
tf.compat.v1.flags.DEFINE_integer(
    'num_test_images', 10, 'How many images --save_test_images writes.',
    lower_bound=1)


def predict(image_paths, checkpoint_path, num_classes=cifar10.NUM_CLASSES):
  """Classifies image files.

  Args:
    image_paths: Paths of PNG, JPEG, GIF or BMP files.
    checkpoint_path: The checkpoint whose moving averages to use.
    num_classes: Classes of the data set.

  Returns:
    (probabilities, step): float32 array [len(image_paths), num_classes],
    and the checkpoint's global step.

  Raises:
    UserError: a file cannot be read or decoded, or the checkpoint does not
      fit the model.
  """
  # Every file is read and decoded first: a bad one costs no restore.
  resized = cifar10_images.decode_files(image_paths)
  with tf.Graph().as_default():
    batch = tf.compat.v1.placeholder(
        tf.uint8, [None, cifar10_data.HEIGHT, cifar10_data.WIDTH,
                   cifar10_data.DEPTH], name='images')
    probabilities, averages = cifar10.classify(batch, num_classes)

    with tf.compat.v1.Session() as sess:
      step = cifar10_checkpoints.restore_checked(sess, checkpoint_path,
                                                 averages)
      chunks = [sess.run(probabilities,
                         {batch: resized[start:start + FLAGS.batch_size]})
                for start in range(0, len(resized), FLAGS.batch_size)]
  return np.concatenate(chunks), step


def save_test_images(data, folder, count):
  """Writes the first test images of the selected data as PNG files.

  Each file is named for its place in the test file and its true class,
  such as test_0003_deer.png.

  Args:
    data: The `cifar10.DataSet`.
    folder: An existing folder.
    count: How many images; all of them if the file holds fewer.

  Returns:
    (test file, paths written).

  Raises:
    DataError: the test file is missing or damaged.
  """
  [test_file], _ = cifar10_data.checked_files(data.folder, True,
                                              data.num_classes)
  names = data.class_names
  labels, images = cifar10_data.read_records(
      test_file, count, cifar10_data.record_format())
  paths = [os.path.join(folder, 'test_%04d_%s.png'
                        % (i, re.sub(r'[^\w.-]+', '_', names[label])))
           for i, label in enumerate(labels)]
  cifar10_images.write_pngs(images, paths)
  return test_file, paths


def top_classes(probabilities, class_names, top_k):
  """The `top_k` likeliest classes, as [(name, probability)], likeliest first.

  Of classes equally likely, the one of lower index comes first, as with
  argmax.
  """
  order = np.argsort(-probabilities, kind='stable')[:top_k]
  return [(class_names[i], float(probabilities[i])) for i in order]


def format_json(path, top):
  """One image's line of --json output."""
  return json.dumps({'file': path,
                     'predictions': [{'class': name,
                                      'probability': round(p, 6)}
                                     for name, p in top]})


def format_text(path, top):
  """One image's lines of text output: the file, then a class a line."""
  return '\n'.join([path] + ['  %-12s %.3f' % (name, p) for name, p in top])


def main(argv):
  with cifar10_runtime.clean_exit():
    cifar10_checkpoints.check_reader_flags()
    image_paths = argv[1:]
    if FLAGS.save_test_images:
      cifar10_prepare.make_output_dir(FLAGS.save_test_images,
                                      'save_test_images')
      if image_paths:
        raise cifar10_prepare.UserError(
            '--save_test_images writes images and classifies none: drop %s, '
            'or run cifar10-predict on it without --save_test_images'
            % ' '.join(image_paths))
      test_file, paths = save_test_images(cifar10.data_set(),
                                          FLAGS.save_test_images,
                                          FLAGS.num_test_images)
      print('Wrote %d images of %s into %s: %s ... %s'
            % (len(paths), test_file, FLAGS.save_test_images,
               os.path.basename(paths[0]), os.path.basename(paths[-1])))
      return
    if not image_paths:
      raise cifar10_prepare.UserError(
          'no image to classify: give one or more files, as in '
          'cifar10-predict cat.jpg ship.png')
    checkpoint_path = cifar10_checkpoints.checkpoint_to_read(
        FLAGS.checkpoint_dir, FLAGS.checkpoint_path)
    class_names = cifar10.class_names()
    probabilities, step = predict(image_paths, checkpoint_path,
                                  len(class_names))
    if not FLAGS.json:
      print('Classified with the moving averages of %s (step %d).'
            % (checkpoint_path, step))
    for path, row in zip(image_paths, probabilities):
      top = top_classes(row, class_names, FLAGS.top_k)
      print(format_json(path, top) if FLAGS.json else format_text(path, top))
    sys.stdout.flush()


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-predict [flags] IMAGE...'
HELP_GROUPS = (('Prediction', 'cifar10_predict'),
               ('Checkpoint', 'cifar10_flags'), ('Model', 'cifar10'),
               ('Data', 'cifar10_data'))


def run():
  """Console entry point `cifar10-predict`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
