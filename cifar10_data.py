# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The data on disk: record files, the tarball they come in, image files.

* The binary format: a record is a label byte (two for CIFAR-100) and three
  32x32 colour planes; which files make up each split (`data_files`).
* `check_data_files`: sizes and labels read before any queue starts, so bad
  data stops a script with one line naming the file.
* `download_and_extract`: the tarball fetched with progress and an MD5 check,
  under a temporary name until complete, and unpacked without leaving the
  data folder. `cifar10.maybe_download_and_extract()` calls it.
* `write_records` and `write_fake_data`: files in the same format, of the
  project's own, for tests, `--fake_data` and cifar10-make-records.
* `record_folder`: which folder of --data_dir holds the records the flags
  ask for; it only works out the path (`write_fake_data_into` writes the
  synthetic set of --fake_data).
"""

import collections
import hashlib
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request

import numpy as np
import tensorflow as tf

from cifar10_prepare import check_file_flag
from cifar10_prepare import check_folder_flag
from cifar10_prepare import DataError
from cifar10_prepare import file_problem
from cifar10_prepare import make_folders
from cifar10_prepare import one_line
from cifar10_prepare import remove_empty_folders
from cifar10_prepare import UserError

FLAGS = tf.compat.v1.flags.FLAGS

# Which data set: its flags.
tf.compat.v1.flags.DEFINE_enum(
    'dataset', 'cifar10', ['cifar10', 'cifar100'],
    'The data set: "cifar10" (10 classes; also any folder that '
    'cifar10-make-records wrote) or "cifar100" (records with a coarse and a '
    'fine label, see --label).')
tf.compat.v1.flags.DEFINE_enum(
    'label', 'fine', ['fine', 'coarse'],
    'With --dataset=cifar100: train on the 100 fine classes or the 20 '
    'coarse ones.')
tf.compat.v1.flags.register_multi_flags_validator(
    ['dataset', 'label'],
    lambda flags: flags['label'] == 'fine' or flags['dataset'] == 'cifar100',
    message='--label=coarse picks CIFAR-100\'s 20 superclasses: add '
    '--dataset=cifar100, or drop --label')

# One record: a label byte, then three 32x32 colour planes (red, green, blue).
LABEL_BYTES = 1
HEIGHT = 32
WIDTH = 32
DEPTH = 3
RECORD_BYTES = LABEL_BYTES + HEIGHT * WIDTH * DEPTH  # 3073

# CIFAR-10's classes, in label order.
CLASS_NAMES = ('airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog',
               'horse', 'ship', 'truck')


def train_file_names(count):
  """The names of `count` training files: data_batch_1.bin onwards."""
  return tuple('data_batch_%d.bin' % i for i in range(1, count + 1))


TRAIN_FILES = train_file_names(5)
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
# epochs have the tutorial's sizes (`cifar10_input.epoch_size`).
CIFAR10_FOLDER = 'cifar-10-batches-bin'
CIFAR100_FOLDER = 'cifar-100-binary'
FAKE_DATA_FOLDER = 'cifar-10-fake-batches-bin'
STANDARD_FOLDERS = (CIFAR10_FOLDER, CIFAR100_FOLDER, FAKE_DATA_FOLDER)

# Where the data comes from.
tf.compat.v1.flags.DEFINE_boolean(
    'fake_data', False,
    'Train and evaluate on synthetic, learnable CIFAR-format files, written '
    'once into DATA_DIR/%s, instead of the real data set: an offline demo.'
    % FAKE_DATA_FOLDER)


def is_standard_folder(data_dir):
  """Whether `data_dir` is a data set's own folder (or --fake_data's), whose
  epochs have the tutorial's sizes, rather than one of your records."""
  return os.path.basename(os.path.normpath(data_dir)) in STANDARD_FOLDERS


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
    if not eval_data and not is_standard_folder(data_dir):
      # A folder of cifar10-make-records: data_batch_1.bin up to the
      # highest number there (a gap is then reported as a missing file).
      numbers = [int(match.group(1)) for match in (
          re.fullmatch(r'data_batch_(\d+)\.bin', name)
          for name in (tf.io.gfile.listdir(data_dir)
                       if tf.io.gfile.isdir(data_dir) else [])) if match]
      if numbers:
        names = train_file_names(max(numbers))
  return [os.path.join(data_dir, name) for name in names]


def checked_files(data_dir, eval_data=False,
                  num_classes=len(CLASS_NAMES)):
  """The record files of one split, and the records they hold, checked
  (`check_data_files`) before any queue reads them.

  Returns:
    (list of paths, number of records).
  """
  filenames = data_files(data_dir, eval_data)
  return filenames, check_data_files(filenames, num_classes)


def check_data_files(filenames, num_classes=len(CLASS_NAMES)):
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
            'no %s data in %s: run cifar10-train once to download it, '
            'point --data_dir at the folder that holds %s, or pass '
            '--fake_data' % (DATASET_NAMES[FLAGS.dataset], folder,
                             os.path.basename(folder)))
      raise DataError(
          '%s is missing from %s: restore it, or delete %s and run '
          'cifar10-train to download and extract it again'
          % (name, folder, folder))
    size = tf.io.gfile.stat(path).length
    if size == 0 or size % fmt.record_bytes:
      raise DataError(
          '%s is %s bytes, not a non-zero multiple of %s: the file is '
          'truncated or not %s binary data (--dataset=%s); delete %s and run '
          'cifar10-train to download and extract it again'
          % (path, '{:,}'.format(size), '{:,}'.format(fmt.record_bytes),
             DATASET_NAMES[FLAGS.dataset], FLAGS.dataset, folder))
    with tf.io.gfile.GFile(path, 'rb') as f:
      labels = np.frombuffer(f.read(), dtype=np.uint8)[
          fmt.label_index::fmt.record_bytes]
    bad = np.flatnonzero(labels >= num_classes)
    meta = os.path.join(folder, META_FILE)
    short_list = (bad.size and FLAGS.dataset == 'cifar10' and
                  tf.io.gfile.exists(meta) and
                  read_class_names(folder) != CLASS_NAMES)
    if short_list and not is_standard_folder(folder):
      # Your own classes: their list is short, not the records wrong.
      raise DataError(
          '%s names %d classes, but record %d of %s has label %d: list one '
          'class a line for every label, in label order, or write the '
          'records again with cifar10-make-records'
          % (meta, num_classes, bad[0], path, labels[bad[0]]))
    if short_list and labels[bad[0]] < len(CLASS_NAMES):
      # CIFAR-10's own folder with an edited list: a label that is one of
      # the ten classes is the list's fault; one beyond them, the file's.
      raise DataError(
          '%s names %d classes, but record %d of %s has label %d: add the '
          'missing class names to it, one a line in label order, or delete '
          'it to use CIFAR-10\'s ten' % (meta, num_classes, bad[0], path,
                                        labels[bad[0]]))
    if bad.size:
      raise DataError(
          '%s: record %d has label %d, outside 0..%d: the file is corrupt, '
          'or of another data set than --dataset=%s%s; delete %s and run '
          'cifar10-train to download and extract it again'
          % (path, bad[0], labels[bad[0]], num_classes - 1, FLAGS.dataset,
             ' --label=%s' % FLAGS.label if FLAGS.dataset == 'cifar100'
             else '', folder))
    total += labels.size
  return total


def read_records(path, count, fmt=CIFAR10_FORMAT):
  """The first `count` records of a record file, as arrays.

  Args:
    path: A record file of the format `fmt`.
    count: How many records to read; fewer if the file holds fewer.
    fmt: The file's RecordFormat (`record_format()` for the flags' data).

  Returns:
    labels: uint8 array [n], the label the model learns.
    images: uint8 array [n, 32, 32, 3], height x width x channel.
  """
  with tf.io.gfile.GFile(path, 'rb') as f:
    data = f.read(count * fmt.record_bytes)
  records = np.frombuffer(data, dtype=np.uint8)
  records = records[:records.size // fmt.record_bytes * fmt.record_bytes]
  records = records.reshape(-1, fmt.record_bytes)
  planes = records[:, fmt.label_bytes:].reshape(-1, DEPTH, HEIGHT, WIDTH)
  return (records[:, fmt.label_index].copy(),
          np.ascontiguousarray(planes.transpose(0, 2, 3, 1)))


def holds_own_records(folder):
  """Whether `folder` holds CIFAR-10-format record files itself, as
  cifar10-make-records writes them, rather than a data set to unpack."""
  return any(tf.io.gfile.exists(os.path.join(folder, name))
             for name in TRAIN_FILES + TEST_FILES)


def record_folder(data_dir, dataset='cifar10', fake_data=False):
  """The folder of record files to read, within or at `data_dir`.

  Args:
    data_dir: The --data_dir folder.
    dataset: 'cifar10' or 'cifar100' (--dataset).
    fake_data: Whether to use the synthetic set (--fake_data).

  Returns:
    cifar-100-binary for CIFAR-100; the synthetic folder with `fake_data`;
    `data_dir` itself when it holds record files (cifar10-make-records);
    otherwise cifar-10-batches-bin.

  Raises:
    UserError: --data_dir is not a folder, or the flags do not go together.
  """
  check_folder_flag('data_dir', data_dir)
  if fake_data and dataset != 'cifar10':
    raise UserError('--fake_data writes CIFAR-10 files only: drop '
                    '--dataset=%s, or --fake_data' % dataset)
  if dataset == 'cifar100':
    if holds_own_records(data_dir):
      raise UserError('--data_dir=%s holds CIFAR-10-format record files (as '
                      'cifar10-make-records writes them), not CIFAR-100: '
                      'drop --dataset=cifar100' % data_dir)
    return os.path.join(data_dir, CIFAR100_FOLDER)
  if fake_data:
    return os.path.join(data_dir, FAKE_DATA_FOLDER)
  if holds_own_records(data_dir):
    return data_dir
  return os.path.join(data_dir, CIFAR10_FOLDER)


def write_fake_data_into(data_dir):
  """Writes the synthetic set of --fake_data into `data_dir`, unless it is
  there already (`write_fake_data`).

  Raises:
    DataError: the folder cannot be written.
  """
  try:
    write_fake_data(os.path.join(data_dir, FAKE_DATA_FOLDER))
  except (OSError, tf.errors.OpError) as e:
    raise DataError('cannot write the synthetic data into --data_dir=%s '
                    '(%s): point --data_dir at a folder you can write to'
                    % (data_dir, one_line(e)))


def count_records(filenames):
  """The records in those of `filenames` that exist, of the selected set.

  A missing file counts as empty: `check_data_files` names it, when the
  input functions read the files.
  """
  return sum(tf.io.gfile.stat(path).length for path in filenames
             if tf.io.gfile.exists(path)) // record_format().record_bytes


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
  if not tf.io.gfile.exists(path):
    return default
  problem = None if '://' in path else file_problem(path)
  if problem:  # A FIFO would block the read.
    raise DataError('%s is %s: delete it (cifar10-make-records writes it '
                    'anew)' % (path, problem))
  try:
    with tf.io.gfile.GFile(path, 'rb') as f:
      text = f.read().decode('utf-8')
  except UnicodeDecodeError as e:
    raise DataError('%s is not UTF-8 text (%s): write the class names in '
                    'UTF-8, one a line' % (path, one_line(e)))
  names = tuple(line.strip() for line in text.splitlines() if line.strip())
  if names and (count is None or len(names) == count):
    return names
  return default



# Synthetic CIFAR-format data (tests and --fake_data).

FAKE_TRAIN_RECORDS_PER_FILE = 2000
FAKE_TEST_RECORDS = 10000


def write_class_names(folder, class_names):
  """Writes the class names into folder/batches.meta.txt, one a line, in
  label order: what `read_class_names` reads."""
  with open(os.path.join(folder, META_FILE), 'w') as f:
    f.write('\n'.join(class_names) + '\n')


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
  classes = len(CLASS_NAMES)
  labels = rng.integers(0, classes, size=num_records).astype(np.uint8)
  angle = 2.0 * np.pi * labels / classes
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
    write_class_names(tmp_dir, CLASS_NAMES)
    try:
      os.rename(tmp_dir, dest_dir)
    except OSError:
      if not os.path.isdir(dest_dir):  # Lost a race to another writer: fine.
        raise
  finally:
    shutil.rmtree(tmp_dir, ignore_errors=True)
  return dest_dir


# Download and extraction.

def md5_of(path):
  """The hex MD5 digest of a file, read a megabyte at a time."""
  digest = hashlib.md5()
  with open(path, 'rb') as f:
    for block in iter(lambda: f.read(1 << 20), b''):
      digest.update(block)
  return digest.hexdigest()


def _show_progress(name, received, size):
  if size:
    sys.stdout.write('\r>> Downloading %s %.1f%%' % (name, 100.0 * received /
                                                     size))
  else:
    sys.stdout.write('\r>> Downloading %s %d bytes' % (name, received))
  sys.stdout.flush()


def download(url, dest_path, expected_md5):
  """Fetches `url` into `dest_path`, which appears only once it is verified.

  Bytes go to a temporary file beside `dest_path` while their MD5 is
  computed; the file is renamed into place only if the digest matches.

  Args:
    url: http(s):// or file:// URL, or a local path.
    dest_path: Where the file ends up.
    expected_md5: Hex digest the file must have.

  Raises:
    DataError: the source cannot be read or the digest differs; then nothing
      is left at `dest_path` or beside it.
  """
  name = os.path.basename(dest_path)
  folder = os.path.dirname(dest_path)
  local = '://' not in url or url.startswith('file://')
  if local:
    # A FIFO would block the read for ever; a folder is no tarball.
    path = url[len('file://'):] if '://' in url else url
    check_file_flag('data_url', urllib.request.url2pathname(path))
    url = 'file://' + os.path.abspath(path)
  handle, partial = tempfile.mkstemp(prefix=name + '.', suffix='.part',
                                     dir=folder)
  digest = hashlib.md5()
  try:
    with os.fdopen(handle, 'wb') as out:
      try:
        with urllib.request.urlopen(url, timeout=60) as response:
          size = int(response.headers.get('Content-Length') or 0)
          received = 0
          for block in iter(lambda: response.read(1 << 20), b''):
            out.write(block)
            digest.update(block)
            received += len(block)
            _show_progress(name, received, size)
      except (OSError, ValueError) as e:  # URLError is an OSError.
        raise DataError(
            'could not download %s (%s): check the network, or fetch the file '
            'yourself into %s, or pass --data_url with a mirror or a local '
            'copy' % (url, one_line(e), folder))
    print()
    if digest.hexdigest() != expected_md5 and local:
      # Reading the same file again gives the same digest.
      raise DataError(
          '%s has MD5 %s, not %s: it is damaged or not the expected tarball; '
          'copy it again from a trusted source, or pass --data_md5=%s if you '
          'trust this file' % (url[len('file://'):], digest.hexdigest(),
                               expected_md5, digest.hexdigest()))
    if digest.hexdigest() != expected_md5:
      raise DataError(
          'the file downloaded from %s has MD5 %s, not %s: it is corrupt or '
          'not the expected tarball; run again to download it anew, pass '
          '--data_url with another source, or --data_md5=%s if you trust '
          'this one' % (url, digest.hexdigest(), expected_md5,
                        digest.hexdigest()))
    os.rename(partial, dest_path)
  finally:
    if os.path.exists(partial):
      os.remove(partial)
  print('Successfully downloaded', name, os.path.getsize(dest_path), 'bytes.')


def safe_extract(tar_path, dest_dir):
  """Unpacks a tarball into `dest_dir`, refusing anything that could escape.

  The archive is unpacked into a hidden folder inside `dest_dir` first and
  its top-level entries are then renamed into place, so an interrupted run
  never leaves a half-filled data folder behind. Entries already present in
  `dest_dir` are left alone.

  Args:
    tar_path: The tarball.
    dest_dir: An existing folder.

  Raises:
    DataError: the archive cannot be read, or an entry is a link, a device,
      an absolute path or a path that climbs out with '..'.
  """
  root = os.path.realpath(dest_dir)
  staging = tempfile.mkdtemp(prefix='.extract-', dir=root)
  try:
    try:
      with tarfile.open(tar_path, 'r:*') as archive:
        entries = archive.getmembers()
        for entry in entries:
          landing = os.path.realpath(os.path.join(staging, entry.name))
          inside = os.path.commonpath([landing, staging]) == staging
          if (os.path.isabs(entry.name) or not inside or
              not (entry.isfile() or entry.isdir())):
            raise DataError(
                '%s holds %r, which would be written outside %s or is not a '
                'plain file: refusing to extract it; delete the tarball and '
                'download it again from a trusted source'
                % (tar_path, entry.name, dest_dir))
        if hasattr(tarfile, 'data_filter'):
          archive.extractall(staging, members=entries, filter='data')
        else:
          archive.extractall(staging, members=entries)
    except (tarfile.TarError, EOFError, OSError) as e:
      raise DataError('could not extract %s (%s): delete it and run again to '
                      'download a fresh copy' % (tar_path, one_line(e)))
    for name in os.listdir(staging):
      if not os.path.exists(os.path.join(root, name)):
        os.rename(os.path.join(staging, name), os.path.join(root, name))
  finally:
    shutil.rmtree(staging, ignore_errors=True)


def download_and_extract(dest_dir, url, md5, folder):
  """Makes sure `dest_dir/folder` holds the extracted data set.

  Does nothing when the folder exists. A tarball already in `dest_dir` with
  the right MD5 is extracted without touching the network. When it fails,
  the folders it created are removed again, so nothing is left behind.

  Args:
    dest_dir: Folder for the tarball and the extracted data (--data_dir).
    url: Where the tarball comes from: a URL or a local path.
    md5: Hex MD5 the tarball must have.
    folder: The folder the tarball unpacks to, such as cifar-10-batches-bin.

  Raises:
    DataError: the download failed or does not match `md5`, the archive is
      unsafe, or it holds no `folder`.
  """
  check_folder_flag('data_dir', dest_dir)
  target = os.path.join(dest_dir, folder)
  if os.path.exists(target):
    return
  try:
    made = make_folders(dest_dir)
  except OSError as e:
    raise DataError('cannot create --data_dir=%s (%s): point --data_dir at a '
                    'folder you can write to' % (dest_dir, one_line(e)))
  try:
    name = (os.path.basename(urllib.parse.urlparse(url).path) or
            folder + '.tar.gz')
    tarball = os.path.join(dest_dir, name)
    problem = file_problem(tarball)
    if problem and problem != 'missing':  # A FIFO would block the digest.
      raise DataError('%s is %s: remove it, and run again to download the '
                      'tarball there' % (tarball, problem))
    found = md5_of(tarball) if os.path.exists(tarball) else None
    if found not in (None, md5):
      print('%s has MD5 %s, not %s (--data_md5 takes another): fetching a '
            'fresh copy from %s' % (tarball, found, md5, url))
    if found != md5:
      download(url, tarball, md5)
    safe_extract(tarball, dest_dir)
    if not os.path.exists(target):
      raise DataError('%s did not contain a %s folder: pass --data_url with '
                      'the binary version of the data set' % (tarball, folder))
  except BaseException:
    remove_empty_folders(made)
    raise
