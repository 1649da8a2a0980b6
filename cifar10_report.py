# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""What cifar10_eval.py reports besides precision @ 1.

The precision of each class and the confusion matrix of one evaluation:
printed as console text, and written as TensorBoard summaries (scalars
`precision_per_class/<class>`, the image `confusion_matrix`, and its counts
as a table in the Text tab).
"""

import numpy as np
import tensorflow as tf


def confusion_matrix(labels, predictions, num_classes):
  """Row i counts the images of label i by the class they were given."""
  matrix = np.zeros([num_classes, num_classes], np.int64)
  np.add.at(matrix, (labels, predictions), 1)
  return matrix


def confusion_image(matrix, cell=16):
  """The counts of `confusion_matrix()` as a TensorBoard `Summary.Image`.

  A cell's darkness is the share of its row's images given its column's
  class, so a good model draws a dark diagonal on white; a cell is `cell`
  pixels wide.
  """
  rows = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
  shade = np.rint(255 * (1 - matrix / rows)).astype(np.uint8)
  # From white to dark blue: red and green fall faster than blue.
  rgb = np.stack([shade, shade, 128 + shade // 2], axis=-1)
  rgb = np.repeat(np.repeat(rgb, cell, axis=0), cell, axis=1)
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    png = sess.run(tf.io.encode_png(rgb))
  return tf.compat.v1.Summary.Image(height=rgb.shape[0], width=rgb.shape[1],
                                    colorspace=3, encoded_image_string=png)


# Above this many classes (CIFAR-100: 100 columns) the console report leaves
# the confusion matrix to TensorBoard.
MAX_CLASSES_PRINTED = 20


def format_report(matrix, class_names):
  """The per-class precision and the confusion matrix, as console text."""
  lines = ['precision @ 1 per class:']
  totals = matrix.sum(axis=1)
  name_width = max([10] + [len(name) for name in class_names])
  for i, name in enumerate(class_names):
    if totals[i]:
      lines.append('  %-*s %.3f  (%d/%d)' % (name_width, name,
                                              matrix[i, i] / totals[i],
                                              matrix[i, i], totals[i]))
    else:
      lines.append('  %-*s   n/a  (no images)' % (name_width, name))
  if len(class_names) > MAX_CLASSES_PRINTED:
    lines.append('confusion matrix: %d classes, see TensorBoard (images and '
                 'text tabs)' % len(class_names))
    return '\n'.join(lines)
  lines.append('confusion matrix (rows: true class, columns: predicted):')
  width = max(5, len(str(matrix.max())) + 1)
  lines.append(' ' * (name_width + 2) + ''.join(n[:width - 1].rjust(width)
                                                for n in class_names))
  for name, row in zip(class_names, matrix):
    lines.append('  %-*s' % (name_width, name) +
                 ''.join(str(c).rjust(width) for c in row))
  return '\n'.join(lines)


def add_report_summaries(summary, precision, matrix, class_names):
  """Adds precision @ 1, per-class precision and the confusion matrix."""
  summary.value.add(tag='Precision @ 1', simple_value=precision)
  totals = matrix.sum(axis=1)
  for i, name in enumerate(class_names):
    if totals[i]:
      summary.value.add(tag='precision_per_class/' + name,
                        simple_value=matrix[i, i] / totals[i])
  summary.value.add(tag='confusion_matrix', image=confusion_image(matrix))
  # The counts as a table, in TensorBoard's Text tab.
  table = [[''] + list(class_names)] + [
      [name] + [str(c) for c in row] for name, row in zip(class_names, matrix)]
  counts = summary.value.add(tag='confusion_matrix_counts',
                             tensor=tf.make_tensor_proto(table))
  counts.metadata.plugin_data.plugin_name = 'text'
