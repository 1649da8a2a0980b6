# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""What a script prepares before it builds a graph.

* `configure_environment()`: the settings TensorFlow reads once, as it loads.
  Every script calls it on its first lines, before `import tensorflow`.
* `UserError` and `DataError`: the errors a user can fix, each ending a script
  with one line (see `cifar10_runtime.report_user_errors`).
* `make_output_dir()`: proves a folder can be written before hours are spent.
* `download_and_extract()`: the data set on disk, with progress, an MD5 check,
  a temporary name until complete, and an extraction that stays inside the
  data folder. `cifar10.maybe_download_and_extract()` calls it with the flags.

This module does not import TensorFlow, so that the environment can be set up
before TensorFlow loads.
"""

import hashlib
import os
import shutil
import stat
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request

# Read by TensorFlow as it loads; a value already in the environment wins.
TENSORFLOW_ENVIRONMENT = {
    # Hide TensorFlow's C++ info and warning lines, such as "Enqueue
    # operation was cancelled" each time the input queues close.
    'TF_CPP_MIN_LOG_LEVEL': '2',
    # oneDNN kernels. TensorFlow enables them by itself on some CPUs only;
    # they make the training step 2 to 2.5 times faster on the CPUs measured
    # (README, Speed). TF_ENABLE_ONEDNN_OPTS=0 in the environment opts out.
    'TF_ENABLE_ONEDNN_OPTS': '1',
}


class UserError(Exception):
  """A failure the user can fix: the message says what and how, in one line."""


class DataError(UserError):
  """The data set is missing, unreadable or malformed; the message names the
  file and the fix."""


def configure_environment(environ=None):
  """Puts TensorFlow's load-time settings into the environment.

  TensorFlow reads these variables once, when it is first imported, so a
  script calls this before its own `import tensorflow`. Values the user has
  set are kept.

  Args:
    environ: The mapping to update; `os.environ` if None.

  Returns:
    True if TensorFlow was not loaded yet (the settings take effect), False
    if it was (they only reach processes started from here on).
  """
  environ = os.environ if environ is None else environ
  for name, value in TENSORFLOW_ENVIRONMENT.items():
    environ.setdefault(name, value)
  return 'tensorflow' not in sys.modules


def one_line(error):
  """The text of an exception, or of its OS reason, folded onto one line."""
  text = (getattr(error, 'message', None) or getattr(error, 'strerror', None)
          or getattr(error, 'reason', None) or error)
  return ' '.join(str(text).split())


def op_error_reason(error):
  """An op's own reason for failing, from the error of a failed `sess.run`.

  Graph-mode errors open with 'Graph execution error:' and where the op was
  made; the reason comes after them.
  """
  lines = [line.strip() for line in (error.message or str(error)).splitlines()]
  reasons = [line for line in lines if line and not line.startswith(
      ('Graph execution error', 'Detected at node', 'File "', 'Node:', '[['))]
  return reasons[-1] if reasons else one_line(error)


def _what_is(path):
  """'a file', 'a FIFO', ... : what stands at `path`, in words."""
  mode = os.stat(path).st_mode
  for test, name in ((stat.S_ISDIR, 'a folder'), (stat.S_ISREG, 'a file'),
                     (stat.S_ISFIFO, 'a FIFO'), (stat.S_ISSOCK, 'a socket'),
                     (stat.S_ISCHR, 'a device'), (stat.S_ISBLK, 'a device')):
    if test(mode):
      return name
  return 'not a folder'


def check_folder_flag(flag_name, path):
  """Refuses a folder flag that names something else.

  A folder that does not exist yet is fine (scripts create the ones they
  write, and wait for the ones training will write).

  Args:
    flag_name: The flag, for the message.
    path: Its value; URLs such as gs://... are not checked.

  Raises:
    UserError: `path` is a dangling symbolic link, or exists and is not a
      folder.
  """
  if '://' in path:
    return
  if os.path.islink(path) and not os.path.exists(path):
    raise UserError('--%s=%s is a symbolic link to %s, which does not exist: '
                    'fix the link or point --%s at a folder'
                    % (flag_name, path, os.readlink(path), flag_name))
  if os.path.exists(path) and not os.path.isdir(path):
    raise UserError('--%s=%s is %s, not a folder: point --%s at a folder'
                    % (flag_name, path, _what_is(path), flag_name))


def check_file_flag(flag_name, path):
  """Refuses a file flag that names anything but an existing plain file.

  Raises:
    UserError: `path` is missing, a dangling link, a folder, a FIFO, ...
  """
  if not os.path.exists(path):
    problem = ('a symbolic link to %s, which does not exist'
               % os.readlink(path) if os.path.islink(path) else 'missing')
  elif not os.path.isfile(path):
    problem = '%s, not a file' % _what_is(path)
  else:
    return
  raise UserError('--%s=%s is %s: point --%s at the file'
                  % (flag_name, path, problem, flag_name))


def make_output_dir(path, flag_name):
  """Creates a folder that a script writes to, or says why it cannot.

  Args:
    path: The folder; a URL such as gs://bucket/dir is created, not probed.
    flag_name: The flag that named it, for the message.

  Raises:
    UserError: the folder cannot be created or written.
  """
  check_folder_flag(flag_name, path)
  try:
    if '://' in path:
      import tensorflow as tf  # pylint: disable=g-import-not-at-top
      tf.io.gfile.makedirs(path)
      return
    os.makedirs(path, exist_ok=True)
    tempfile.TemporaryFile(dir=path).close()  # Writable, not only present.
  except Exception as e:  # pylint: disable=broad-except
    raise UserError('cannot create --%s=%s (%s): choose a folder you can '
                    'write to' % (flag_name, path, one_line(e)))


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
  if '://' not in url or url.startswith('file://'):
    # A FIFO would block the read for ever; a folder is no tarball.
    local = url[len('file://'):] if '://' in url else url
    check_file_flag('data_url', urllib.request.url2pathname(local))
    url = 'file://' + os.path.abspath(local)
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
    if digest.hexdigest() != expected_md5:
      raise DataError(
          'the file downloaded from %s has MD5 %s, not %s: it is corrupt or '
          'not the expected tarball; run again to retry, or pass --data_url '
          'with another source' % (url, digest.hexdigest(), expected_md5))
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
  the right MD5 is extracted without touching the network.

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
    os.makedirs(dest_dir, exist_ok=True)
  except OSError as e:
    raise DataError('cannot create --data_dir=%s (%s): point --data_dir at a '
                    'folder you can write to' % (dest_dir, one_line(e)))
  name = (os.path.basename(urllib.parse.urlparse(url).path) or
          folder + '.tar.gz')
  tarball = os.path.join(dest_dir, name)
  if not (os.path.exists(tarball) and md5_of(tarball) == md5):
    download(url, tarball, md5)
  safe_extract(tarball, dest_dir)
  if not os.path.exists(target):
    raise DataError('%s did not contain a %s folder: pass --data_url with the '
                    'binary version of the data set' % (tarball, folder))
