# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Writes SVHN's cropped digits as CIFAR-10-format records (exercise 6).

  python cifar10/exercises/svhn_to_records.py SVHN_DIR DATA_DIR
  cifar10-train --data_dir=DATA_DIR --train_dir=/tmp/svhn_train

SVHN_DIR holds `train_32x32.mat` and `test_32x32.mat` from
http://ufldl.stanford.edu/housenumbers/ (format 2, the 32x32 crops). Each
holds `X`, uint8 [32, 32, 3, N], and `y`, [N, 1], labels 1 to 10 where 10
stands for the digit 0. DATA_DIR gets what cifar10-make-records writes:
`data_batch_N.bin`, `test_batch.bin` and `batches.meta.txt` naming the
classes 0 to 9, so label k is the digit k. The training records are
shuffled (SVHN's files are not in random order); the test ones keep
theirs.

Reading .mat files needs SciPy: `pip install '.[svhn]'`.
"""

import argparse
import os
import sys

# This folder is not a package: find the suite's modules two levels up.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

# pylint: disable=g-import-not-at-top,wrong-import-position
import numpy as np

import cifar10_make_records
import cifar10_prepare

SPLITS = (('train', 'train_32x32.mat'), ('test', 'test_32x32.mat'))
CLASS_NAMES = [str(digit) for digit in range(10)]


def read_split(path):
  """The digits of one SVHN file.

  Args:
    path: A `*_32x32.mat` file.

  Returns:
    (labels, images): uint8 arrays [N] (the digit, 0 to 9) and
    [N, 32, 32, 3].

  Raises:
    UserError: SciPy is missing, or the file is not one of SVHN's.
  """
  try:
    import scipy.io  # pylint: disable=g-import-not-at-top
  except ImportError:
    raise cifar10_prepare.UserError(
        'reading %s needs SciPy: pip install scipy (or the suite\'s svhn '
        'extra)' % path) from None
  if not os.path.isfile(path):
    raise cifar10_prepare.UserError(
        '%s is missing: SVHN_DIR must hold train_32x32.mat and '
        'test_32x32.mat (format 2, the cropped digits)' % path)
  try:
    contents = scipy.io.loadmat(path)
  except Exception as e:  # pylint: disable=broad-except
    # SciPy reports a damaged or foreign file in several ways.
    raise cifar10_prepare.UserError(
        'cannot read %s as a MATLAB file (%s): download it again'
        % (path, cifar10_prepare.one_line(e))) from None
  images, labels = contents.get('X'), contents.get('y')
  if (images is None or labels is None or images.shape[:3] != (32, 32, 3)
      or labels.size != images.shape[3]):
    raise cifar10_prepare.UserError(
        '%s does not hold SVHN\'s X [32, 32, 3, N] and y [N, 1]: give the '
        'cropped digits (format 2), not the full numbers' % path)
  labels = labels.reshape(-1).astype(np.int64)
  bad = np.flatnonzero((labels < 1) | (labels > 10))
  if bad.size:
    raise cifar10_prepare.UserError(
        '%s: label %d at index %d is outside 1..10: download it again'
        % (path, labels[bad[0]], bad[0]))
  # SVHN counts 1 to 10, with 10 for the digit 0: label k is now digit k.
  digits = (labels % 10).astype(np.uint8)
  return digits, np.ascontiguousarray(images.transpose(3, 0, 1, 2),
                                      dtype=np.uint8)


def convert(svhn_dir, data_dir, overwrite=False):
  """Writes both splits of SVHN_DIR as records into DATA_DIR.

  Returns:
    {'train': N, 'test': M}, the records written.

  Raises:
    UserError: a file is missing or not SVHN's, or DATA_DIR cannot take
      the records.
  """
  splits = {name: read_split(os.path.join(svhn_dir, file_name))
            for name, file_name in SPLITS}
  existing = cifar10_make_records.prepare_data_dir(data_dir, overwrite)
  cifar10_make_records.write_data(data_dir, existing, CLASS_NAMES,
                                  splits['train'], splits['test'], seed=0)
  return {name: len(labels) for name, (labels, _) in splits.items()}


def main():
  parser = argparse.ArgumentParser(
      description=__doc__.split('\n\n')[0],
      formatter_class=argparse.RawDescriptionHelpFormatter)
  parser.add_argument('svhn_dir', help='Folder of SVHN\'s .mat files.')
  parser.add_argument('data_dir', help='Folder for the record files.')
  parser.add_argument('--overwrite', action='store_true',
                      help='Replace record files already in DATA_DIR.')
  args = parser.parse_args()
  try:
    counts = convert(args.svhn_dir, args.data_dir, args.overwrite)
  except cifar10_prepare.UserError as e:
    sys.exit('svhn_to_records.py: %s' % e)
  print('Wrote %d training and %d test digits to %s. Train with: '
        'cifar10-train --data_dir=%s'
        % (counts['train'], counts['test'], args.data_dir, args.data_dir))


if __name__ == '__main__':
  main()
