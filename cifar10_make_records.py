# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Turns a folder of labelled images into CIFAR-10-format record files.

  cifar10-make-records IMAGE_DIR DATA_DIR
  cifar10-train --data_dir=DATA_DIR --train_dir=/tmp/my_train
  cifar10-eval --data_dir=DATA_DIR --checkpoint_dir=/tmp/my_train --run_once
  cifar10-predict --data_dir=DATA_DIR --checkpoint_dir=/tmp/my_train a.jpg

IMAGE_DIR holds one folder per class, named after it, of PNG, JPEG, GIF or
BMP files (IMAGE_DIR/cat/1.jpg, IMAGE_DIR/dog/2.png, ...). A share of each
class, --test_fraction, drawn with --seed, becomes the test set. Or it holds
IMAGE_DIR/train/<class>/ and IMAGE_DIR/test/<class>/, and that split is kept.

Each image is brought to 32x32 exactly as cifar10-predict does
(`cifar10_images.decode_and_resize`). DATA_DIR gets data_batch_1.bin,
data_batch_2.bin, ... (10,000 records each at most, in a seeded random
order), test_batch.bin and batches.meta.txt, the class names in label order
(the folder names, sorted). The trainers, the evaluator, predict and export
take the number of classes from batches.meta.txt and the epoch size from
the files when --data_dir holds such files.

Files it cannot use (damaged, not images, sub-folders, dangling links) are
listed and skipped; class lists that cannot be what you meant (one class,
an empty class folder, names that differ only in case, ...) are refused
before anything is written. It prints the classes and their counts before
writing. Record files already in DATA_DIR are kept unless --overwrite, and
the new ones appear only once all are written.
"""

import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

# pylint: disable=g-import-not-at-top,wrong-import-position
import collections
import os
import shutil
import sys
import tempfile

from absl import app
import numpy as np
import tensorflow as tf

import cifar10_data
import cifar10_flags
import cifar10_images
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS

tf.compat.v1.flags.DEFINE_float(
    'test_fraction', 0.2,
    'Share of each class that goes to test_batch.bin when IMAGE_DIR has no '
    'train/ and test/ folders.', lower_bound=0.0, upper_bound=0.9)
cifar10_flags.define_seed_flag()  # Shared with the trainers; here 0 if unset.
cifar10_flags.define_overwrite_flag()

# Records in each data_batch_N.bin, as in CIFAR-10.
RECORDS_PER_FILE = 10000
# A label is one byte.
MAX_CLASSES = 256
IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.gif', '.bmp')
PROGRESS_EVERY = 500


def _class_folders(folder, image_dir, skipped):
  """{class name: sorted image paths} of the class folders in `folder`.

  What a class folder holds besides image files (sub-folders, dangling
  links, other files) is added to `skipped`, with the reason.

  Raises:
    UserError: a class folder is a link to IMAGE_DIR or a folder above it.
  """
  found = {}
  for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    if name.startswith('.') or not os.path.isdir(path):
      continue
    real = os.path.realpath(path)
    if os.path.commonpath([real, os.path.realpath(image_dir)]) == real:
      raise cifar10_prepare.UserError(
          'class folder %s is a link to %s, which holds IMAGE_DIR: remove '
          'the link' % (path, real))
    found[name] = []
    for entry in sorted(os.listdir(path)):
      entry_path = os.path.join(path, entry)
      if entry.startswith('.'):
        continue
      if not entry.lower().endswith(IMAGE_SUFFIXES):
        skipped.append('%s (%s; images are %s files)' % (
            entry_path, 'a folder, not read' if os.path.isdir(entry_path)
            else 'not an image name', ', '.join(IMAGE_SUFFIXES)))
      elif not os.path.isfile(entry_path):
        skipped.append('%s is %s' % (
            entry_path, cifar10_prepare.file_problem(entry_path)))
      else:
        found[name].append(entry_path)
  return found


def check_classes(splits, image_dir):
  """Refuses class lists that cannot be what the user meant.

  Args:
    splits: {split: {class name: image paths}} from the class folders.
    image_dir: IMAGE_DIR, for the messages.

  Raises:
    UserError: no class, a single class, an empty class folder, names that
      differ only in case or that batches.meta.txt cannot hold, or train/
      and test/ with different classes.
  """
  names = sorted(set().union(*[set(classes) for classes in splits.values()]))
  if not names:
    raise cifar10_prepare.UserError(
        'no class folder in %s: put the images of each class in a folder '
        'named after it (%s/cat/1.jpg, %s/dog/2.png, ...)'
        % (image_dir, image_dir, image_dir))
  for name in names:
    if name != name.strip() or not name.isprintable():
      raise cifar10_prepare.UserError(
          'class folder %r of %s: a name with a line break, a control '
          'character or spaces at either end would not read back from '
          'batches.meta.txt; rename the folder' % (name, image_dir))
  by_case = collections.defaultdict(list)
  for name in names:
    by_case[name.casefold()].append(name)
  for same in by_case.values():
    if len(same) > 1:
      raise cifar10_prepare.UserError(
          'class folders %s of %s differ only in case: merge them, or '
          'rename one' % (' and '.join(same), image_dir))
  for split, classes in splits.items():
    for name, paths in classes.items():
      if not paths:
        raise cifar10_prepare.UserError(
            'class folder %s holds no image (%s): add images, or remove the '
            'folder' % (os.path.join(image_dir, split or '', name),
                        ', '.join(IMAGE_SUFFIXES)))
  if set(splits) == {'train', 'test'}:
    for split, other in (('train', 'test'), ('test', 'train')):
      missing = sorted(set(splits[other]) - set(splits[split]))
      if missing:
        raise cifar10_prepare.UserError(
            '%s/ has no folder for %s, which %s/ has: give both splits the '
            'same classes' % (os.path.join(image_dir, split),
                              ', '.join(missing), other))
  if len(names) < 2:
    raise cifar10_prepare.UserError(
        '%s holds a single class, %s: a classifier needs two or more class '
        'folders' % (image_dir, names[0]))
  if len(names) > MAX_CLASSES:
    raise cifar10_prepare.UserError(
        '%s has %d class folders; a record holds a label of one byte, so '
        'at most %d' % (image_dir, len(names), MAX_CLASSES))
  return names


def find_images(image_dir):
  """The images of IMAGE_DIR, by split and class.

  Returns:
    (class_names, splits, skipped): the sorted class names; {'train':
    {name: paths}, 'test': {name: paths}} when IMAGE_DIR has train/ and
    test/, else {None: {name: paths}}, to be split; and the entries of the
    class folders that are not read, each with its reason.

  Raises:
    UserError: IMAGE_DIR is not a folder, or `check_classes` refuses its
      classes.
  """
  if not os.path.isdir(image_dir):
    raise cifar10_prepare.UserError(
        'IMAGE_DIR %s is not a folder: give the folder that holds one '
        'folder of images per class' % image_dir)
  entries = set(os.listdir(image_dir))
  skipped = []
  if {'train', 'test'} <= entries and all(
      os.path.isdir(os.path.join(image_dir, s)) for s in ('train', 'test')):
    splits = {s: _class_folders(os.path.join(image_dir, s), image_dir,
                                skipped) for s in ('train', 'test')}
  else:
    splits = {None: _class_folders(image_dir, image_dir, skipped)}
  return check_classes(splits, image_dir), splits, skipped


def split_for_test(paths_by_class, test_fraction, seed):
  """A stratified split: each class gives round(test_fraction * n) images
  (at least one when it has two or more) to the test set.

  Returns:
    {'train': {name: paths}, 'test': {name: paths}}.
  """
  rng = np.random.default_rng(seed)
  split = {'train': {}, 'test': {}}
  for name, paths in sorted(paths_by_class.items()):
    order = rng.permutation(len(paths))
    count = int(round(test_fraction * len(paths)))
    if test_fraction > 0 and len(paths) >= 2:
      count = min(max(count, 1), len(paths) - 1)
    split['test'][name] = [paths[i] for i in sorted(order[:count])]
    split['train'][name] = [paths[i] for i in sorted(order[count:])]
  return split


def decode_split(split, class_names, decode, report=print):
  """Decodes every image of a split.

  Returns:
    (labels uint8 [n], images uint8 [n, 32, 32, 3], counts {name: n},
    skipped [reason]).
  """
  labels, images, skipped = [], [], []
  counts = collections.OrderedDict((name, 0) for name in class_names)
  total = sum(len(paths) for paths in split.values())
  done = 0
  for name, paths in sorted(split.items()):
    for path in paths:
      pixels, problem = decode(path)
      done += 1
      if problem:
        skipped.append(problem)
      else:
        labels.append(class_names.index(name))
        images.append(pixels)
        counts[name] += 1
      if done % PROGRESS_EVERY == 0 or done == total:
        report('  %d of %d images' % (done, total))
  return (np.array(labels, np.uint8),
          np.array(images, np.uint8).reshape(-1, 32, 32, 3), counts, skipped)


def output_names(num_train):
  """The files a run writes: data_batch_N.bin, test_batch.bin, meta."""
  files = max(1, -(-num_train // RECORDS_PER_FILE))
  return (list(cifar10_data.train_file_names(files)) +
          list(cifar10_data.TEST_FILES) + [cifar10_data.META_FILE])


def prepare_data_dir(data_dir, overwrite=False):
  """Checks DATA_DIR before any image is read, creating it if absent.

  Returns:
    The names of the record files already there (to be replaced).

  Raises:
    UserError: DATA_DIR is not a folder or cannot be written, or it holds
      record files and `overwrite` is False.
  """
  if os.path.lexists(data_dir) and not os.path.isdir(data_dir):
    raise cifar10_prepare.UserError(
        'DATA_DIR %s is not a folder: give a folder for the record files'
        % data_dir)
  try:
    os.makedirs(data_dir, exist_ok=True)
    tempfile.TemporaryFile(dir=data_dir).close()
  except OSError as e:
    raise cifar10_prepare.UserError(
        'cannot write to DATA_DIR %s (%s): choose a folder you can write to'
        % (data_dir, cifar10_prepare.one_line(e)))
  existing = sorted(n for n in os.listdir(data_dir)
                    if n.endswith('.bin') or n == cifar10_data.META_FILE)
  if existing and not overwrite:
    raise cifar10_prepare.UserError(
        '%s already holds %s: pass --overwrite to replace them, or give '
        'another DATA_DIR' % (data_dir, ', '.join(existing)))
  return existing


def write_data(data_dir, existing, class_names, train, test, seed):
  """Writes the record files and batches.meta.txt into `data_dir`.

  They are written into a hidden folder inside `data_dir`, then moved into
  place together; earlier data_batch_N.bin files beyond the new ones are
  removed, so that the folder holds one data set.

  Args:
    data_dir: The folder, from `prepare_data_dir`.
    existing: The record files there before, from `prepare_data_dir`.
    class_names: In label order.
    train, test: (labels, images) of each split.
    seed: Seed of the order of the training records.

  Returns:
    The paths written.
  """
  labels, images = train
  order = np.random.default_rng([seed, 1]).permutation(len(labels))
  labels, images = labels[order], images[order]
  names = output_names(len(labels))
  staging = tempfile.mkdtemp(prefix='.records-', dir=data_dir)
  try:
    for i, name in enumerate(n for n in names if n.startswith('data_batch')):
      part = slice(i * RECORDS_PER_FILE, (i + 1) * RECORDS_PER_FILE)
      cifar10_data.write_records(os.path.join(staging, name), labels[part],
                                  images[part])
    cifar10_data.write_records(
        os.path.join(staging, cifar10_data.TEST_FILES[0]), *test)
    cifar10_data.write_class_names(staging, class_names)
    for name in existing:
      if name.startswith('data_batch') and name not in names:
        os.remove(os.path.join(data_dir, name))
    for name in names:
      os.replace(os.path.join(staging, name), os.path.join(data_dir, name))
  finally:
    shutil.rmtree(staging, ignore_errors=True)
  return [os.path.join(data_dir, name) for name in names]


def make_records(image_dir, data_dir, test_fraction, seed, overwrite=False,
                 report=print):
  """Reads IMAGE_DIR, writes DATA_DIR; returns the summary table's rows.

  Raises:
    UserError: IMAGE_DIR has no usable image, a split would be empty, or
      DATA_DIR holds record files and `overwrite` is False.
  """
  class_names, found, skipped = find_images(image_dir)
  existing = prepare_data_dir(data_dir, overwrite)
  if None in found:
    found = split_for_test(found[None], test_fraction, seed)
  decode = cifar10_images.Decoder()
  decoded = {}
  try:
    for split in ('train', 'test'):
      report('Reading the %s images of %d classes from %s'
             % (split, len(class_names), image_dir))
      labels, images, counts, problems = decode_split(
          found[split], class_names, decode, report)
      decoded[split] = (labels, images, counts)
      skipped += problems
  finally:
    decode.close()
  for problem in skipped:
    report('skipped: %s' % problem)
  for split in ('train', 'test'):
    if not len(decoded[split][0]):
      raise cifar10_prepare.UserError(
          'no usable %s image in %s%s: %s' % (
              split, image_dir,
              ' (%d skipped)' % len(skipped) if skipped else '',
              'add images' if split == 'train' else
              'raise --test_fraction, or add images to test/'))
  rows = [(name, decoded['train'][2][name], decoded['test'][2][name])
          for name in class_names]
  for line in format_counts(rows):
    report(line)
  report('Writing the records into %s' % data_dir)
  try:
    write_data(data_dir, existing, class_names, decoded['train'][:2],
               decoded['test'][:2], seed)
  except OSError as e:
    raise cifar10_prepare.UserError(
        'cannot write the record files into %s (%s): free space there, or '
        'choose another DATA_DIR; files already there are unchanged'
        % (data_dir, cifar10_prepare.one_line(e)))
  return rows, len(skipped)


def format_counts(rows):
  """The table of the classes found, with their images in each split."""
  width = max([5] + [len(name) for name, _, _ in rows])
  return (['%-*s  %6s  %6s' % (width, 'class', 'train', 'test')] +
          ['%-*s  %6d  %6d' % (width, name, train, test)
           for name, train, test in rows] +
          ['%-*s  %6d  %6d' % (width, 'all', sum(r[1] for r in rows),
                               sum(r[2] for r in rows))])


def main(argv):
  with cifar10_runtime.clean_exit():
    if len(argv) != 3:
      raise cifar10_prepare.UserError(
          'give IMAGE_DIR and DATA_DIR, as in cifar10-make-records '
          '~/my_images /tmp/my_data')
    image_dir, data_dir = argv[1:]
    if FLAGS.dataset != 'cifar10':
      raise cifar10_prepare.UserError(
          'cifar10-make-records writes CIFAR-10-format files: drop '
          '--dataset=%s here, and train on them with the default '
          '--dataset=cifar10' % FLAGS.dataset)
    rows, skipped = make_records(image_dir, data_dir, FLAGS.test_fraction,
                                 FLAGS.seed or 0, FLAGS.overwrite)
    print('Wrote %d classes to %s%s. Train with: cifar10-train --data_dir=%s'
          % (len(rows), data_dir,
             ' (%d files skipped)' % skipped if skipped else '', data_dir))
    sys.stdout.flush()


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-make-records [flags] IMAGE_DIR DATA_DIR'
HELP_GROUPS = (('Records', 'cifar10_make_records'),
               ('Seed and output', 'cifar10_flags'))


def run():
  """Console entry point `cifar10-make-records`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
