# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The speed benchmark: its figures, its table, its twin and its noise rule.

Timing stays out of the tests: they check that every figure is there, is a
positive finite number and agrees with the others, never how large it is.
"""

import functools
import importlib.util
import json
import math
import os
import re

import numpy as np
import pytest
import tensorflow as tf

import cifar10
from helpers import ROOT
from helpers import run_script

MEASUREMENTS = ('input', 'ceiling', 'full', 'eval', 'twin', 'peak')
# A time of day, or a date, anywhere in the README's table.
CLOCK = re.compile(r'\d:\d\d|\d{4}-\d\d-\d\d')


@functools.cache
def _benchmark():
  """benchmarks/benchmark.py as a module, loaded once: it defines flags."""
  spec = importlib.util.spec_from_file_location(
      'benchmark', os.path.join(ROOT, 'benchmarks', 'benchmark.py'))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


@pytest.fixture(scope='module')
def quick_run(fake_data_root, tmp_path_factory):
  """A --quick run with one variant: (its JSON report, its output, the
  JSON file's path)."""
  json_out = str(tmp_path_factory.mktemp('benchmark') / 'benchmark.json')
  proc = run_script('benchmarks/benchmark.py', '--fake_data',
                    '--data_dir=' + fake_data_root, '--quick',
                    '--variants=summaries', '--json_out=' + json_out)
  with open(json_out) as f:
    return json.load(f), proc.stdout, json_out


def _is_positive_number(value):
  return (isinstance(value, (int, float)) and not isinstance(value, bool) and
          math.isfinite(value) and value > 0)


@pytest.mark.slow
def test_every_measurement_is_reported_with_positive_finite_figures(
    quick_run):
  report, _, _ = quick_run
  assert set(report) == {'machine', 'settings', 'measurements', 'ratios',
                         'variants', 'runs'}
  assert set(report['measurements']) == set(MEASUREMENTS)
  for name, row in report['measurements'].items():
    assert len(row['windows']) == 3, name  # One round of 3 windows.
    assert all(_is_positive_number(rate) for rate in row['windows'])
    assert row['min'] == min(row['windows'])
    assert row['max'] == max(row['windows'])
    assert row['min'] <= row['median'] <= row['max']
  measurements = report['measurements']
  assert _is_positive_number(measurements['input']['fill_seconds'])
  assert _is_positive_number(measurements['full']['first_step_seconds'])
  assert measurements['eval']['images'] >= 1000
  assert measurements['peak']['unit'] == 'multiply-adds/s'
  assert all(_is_positive_number(r) for r in report['ratios'].values())


@pytest.mark.slow
def test_machine_and_settings_are_recorded(quick_run):
  report, _, _ = quick_run
  machine = report['machine']
  assert machine['tensorflow'] == tf.__version__
  assert machine['cpu'] and machine['cores'] >= 1 and machine['python']
  assert machine['onednn'] in (True, False, None)
  settings = report['settings']
  assert (settings['rounds'], settings['repeats'], settings['steps'],
          settings['warmup_steps']) == (1, 3, 5, 2)
  assert settings['data'] == 'synthetic'
  assert settings['min_fraction_of_examples_in_queue'] == 0.02
  assert settings['num_examples'] == 1000


@pytest.mark.slow
def test_ratios_are_those_of_the_medians(quick_run):
  report, _, _ = quick_run
  median = {name: row['median']
            for name, row in report['measurements'].items()}
  ratios = report['ratios']
  assert ratios['full_over_ceiling'] == pytest.approx(
      median['full'] / median['ceiling'])
  assert ratios['full_over_twin'] == pytest.approx(
      median['full'] / median['twin'])
  assert ratios['full_share_of_peak'] == pytest.approx(
      median['full'] * report['settings']['macs_per_image'] /
      median['peak'])


@pytest.mark.slow
def test_a_round_runs_the_defaults_in_turn_then_the_variants(quick_run):
  report, _, _ = quick_run
  assert [(run['measurement'], run['variant']) for run in report['runs']] == (
      [(name, 'defaults') for name in MEASUREMENTS] +
      [('full', 'summaries_off')])
  for run in report['runs']:
    assert _is_positive_number(run['wall_seconds'])
    if run['variant'] == 'defaults':
      assert report['measurements'][run['measurement']]['windows'] == (
          run['windows'])


@pytest.mark.slow
def test_variant_row_is_its_ratio_to_the_defaults_and_their_noise(quick_run):
  report, _, _ = quick_run
  [row] = report['variants']
  assert (row['name'], row['measurement']) == ('summaries_off', 'full')
  assert row['flags'] == ['--save_summaries_steps=1000000000']
  defaults = report['measurements']['full']['windows']
  assert row['ratio'] == pytest.approx(row['median'] / np.median(defaults))
  assert row['noise'] == pytest.approx(
      [min(defaults) / np.median(defaults),
       max(defaults) / np.median(defaults)])
  assert row['inside_noise'] == (
      row['noise'][0] <= row['ratio'] <= row['noise'][1])


@pytest.mark.slow
def test_table_is_printed(quick_run):
  _, stdout, _ = quick_run
  for text in ('| input pipeline alone, images/s |', '| full / ceiling |',
               '| full / twin |', '| full, share of peak |',
               'summaries_off', 'TensorFlow ' + tf.__version__):
    assert text in stdout


@pytest.mark.slow
def test_table_from_prints_the_markdown_table_without_measuring(quick_run):
  report, stdout, json_out = quick_run
  table = run_script('benchmarks/benchmark.py',
                     '--table_from=' + json_out).stdout.strip()
  assert table in stdout  # The very table the run printed.
  caption, blank, header, rule, *rows = table.splitlines()
  assert report['machine']['cpu'] in caption
  assert 'TensorFlow ' + tf.__version__ in caption
  assert not blank
  assert header.startswith('| ') and rule.startswith('| --- |')
  assert len(rows) == len(MEASUREMENTS) + 3 + 1  # 3 ratios, 1 variant.
  assert all(row.startswith('| ') and row.endswith(' |') for row in rows)
  assert not CLOCK.search(table)


@pytest.mark.slow
def test_twin_and_ceiling_report_the_same_network(quick_run):
  report, _, _ = quick_run
  ceiling = report['measurements']['ceiling']
  twin = report['measurements']['twin']
  assert ceiling['parameters'] == twin['parameters'] == 1068298
  # About 2.30 of cross entropy and 2.37 of weight decay, in both.
  assert twin['first_loss'] == pytest.approx(ceiling['first_loss'], abs=0.2)


def test_inside_noise_follows_the_defaults_spread():
  compare = _benchmark().compare
  defaults = [900.0, 1000.0, 1100.0, 950.0, 1050.0]  # Band 0.90 - 1.10.
  inside = compare([1040.0, 1080.0, 1060.0], defaults)
  assert inside['ratio'] == pytest.approx(1.06)
  assert inside['noise'] == pytest.approx([0.9, 1.1])
  assert (inside['ratio_min'], inside['ratio_max']) == pytest.approx(
      (1.04, 1.08))
  assert inside['inside_noise']
  assert not compare([1150.0, 1200.0, 1250.0], defaults)['inside_noise']
  assert not compare([700.0, 850.0, 800.0], defaults)['inside_noise']
  # A steadier machine has a narrower band: the same gain then stands out.
  assert not compare([1040.0, 1080.0, 1060.0],
                     [990.0, 1000.0, 1010.0])['inside_noise']


def test_variants_change_one_setting_for_the_rows_it_touches():
  module = _benchmark()
  found = {v.name: (v.measurements, v.env, v.flags)
           for v in module.variants(module.VARIANT_GROUPS, cores=2,
                                    threads=2, onednn='1')}
  assert found == {
      'onednn_off': (('ceiling', 'full', 'twin'),
                     {'TF_ENABLE_ONEDNN_OPTS': '0'}, ()),
      'lrn_kernels': (('ceiling', 'full'), {}, ('--nofast_lrn',)),
      'records_per_read_1': (('input', 'full'), {},
                             ('--records_per_read=1',)),
      'threads_4': (('input', 'full'), {}, ('--num_preprocess_threads=4',)),
      'threads_16': (('input', 'full'), {}, ('--num_preprocess_threads=16',)),
      'summaries_off': (('full',), {}, ('--save_summaries_steps=1000000000',)),
      'tf_data': (('input', 'full', 'eval'), {},
                  ('--input_pipeline=tf_data',)),
      'bfloat16': (('ceiling', 'full'), {}, ('--mixed_precision=bfloat16',)),
      'float16': (('ceiling', 'full'), {}, ('--mixed_precision=float16',)),
      'deterministic': (('full',), {}, ('--seed=1', '--deterministic')),
  }
  [onednn_on] = module.variants(['onednn'], cores=2, threads=2, onednn='0')
  assert (onednn_on.name, onednn_on.env) == (
      'onednn_on', {'TF_ENABLE_ONEDNN_OPTS': '1'})
  assert module.variants([], cores=2, threads=2, onednn='1') == []


def test_twin_computes_the_logits_and_loss_of_the_graph():
  twin_class = _benchmark().Twin
  rng = np.random.default_rng(3)
  images = rng.standard_normal([4, 24, 24, 3]).astype(np.float32)
  labels = rng.integers(0, 10, 4).astype(np.int32)
  with tf.Graph().as_default():
    logits = cifar10.inference(tf.constant(images))
    loss = cifar10.loss(logits, tf.constant(labels))
    graph = {v.op.name: v for v in tf.compat.v1.trainable_variables()}
    twin = twin_class()
    mine = twin.named
    assert {name: v.shape.as_list() for name, v in mine.items()} == {
        name: v.shape.as_list() for name, v in graph.items()}
    assert sum(v.shape.num_elements() for v in twin.params) == 1068298
    copy = [v.assign(graph[name]) for name, v in mine.items()]
    twin_logits = twin.logits(tf.constant(images))
    twin_loss = twin.loss(tf.constant(images), tf.constant(labels))
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      sess.run(copy)
      want, got = sess.run([(logits, loss), (twin_logits, twin_loss)])
  np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-5)
  assert got[1] == pytest.approx(want[1], rel=1e-5)


def test_training_image_costs_52647552_multiply_adds():
  # 3x the forward pass's 18,470,784, less the input gradient of conv1.
  assert _benchmark().training_macs_per_image() == 52647552


def test_table_names_the_machine_and_no_time_of_day():
  module = _benchmark()
  row = {'median': 1000.0, 'min': 900.0, 'max': 1100.0, 'windows': [1000.0],
         'unit': 'images/s'}
  report = {
      'machine': {'cpu': 'Some CPU 9000', 'cores': 2, 'tensorflow': '2.21.0',
                  'python': '3.11.7', 'onednn': True},
      'settings': {'data': 'real', 'batch_size': 128, 'rounds': 3,
                   'repeats': 3, 'steps': 40},
      'measurements': {name: row for name in MEASUREMENTS},
      'ratios': {'full_over_ceiling': 0.95, 'full_over_twin': 1.2,
                 'full_share_of_peak': 0.74},
      'variants': [dict(module.compare([1300.0], [900.0, 1000.0, 1100.0]),
                        name='tf_data', measurement='eval', env={},
                        flags=['--input_pipeline=tf_data'])],
  }
  table = module.format_table(report)
  caption = table.splitlines()[0]
  assert 'Some CPU 9000, 2 cores' in caption
  assert 'TensorFlow 2.21.0, oneDNN on' in caption
  assert not CLOCK.search(table)
  assert '| full / twin | 1.20 | | |' in table
  assert ('| tf_data (`--input_pipeline=tf_data`), eval / defaults | 1.30 | '
          '1.30 - 1.30 | no (0.90 - 1.10) |') in table


def test_table_names_the_cpu_features_that_move_the_speed(tmp_path):
  module = _benchmark()
  zen3 = tmp_path / 'zen3'
  zen3.write_text('flags\t\t: fpu sse avx2 fma\n')
  zen4 = tmp_path / 'zen4'
  zen4.write_text('flags\t\t: fpu avx2 avx512f avx512_bf16\n')
  assert module.cpu_features(str(zen3)) == []
  assert module.cpu_features(str(zen4)) == ['avx512f', 'avx512_bf16']
  assert module.cpu_features(str(tmp_path / 'none')) is None
  report = {
      'machine': {'cpu': 'AMD EPYC', 'cpu_features': ['avx512f',
                                                      'avx512_bf16'],
                  'cores': 2, 'tensorflow': '2.21.0', 'python': '3.11.7',
                  'onednn': True},
      'settings': {'data': 'real', 'batch_size': 128, 'rounds': 1,
                   'repeats': 3, 'steps': 40},
      'measurements': {name: {'median': 1.0, 'min': 1.0, 'max': 1.0,
                              'windows': [1.0], 'unit': 'images/s'}
                       for name in MEASUREMENTS},
      'ratios': {'full_over_ceiling': 1.0, 'full_over_twin': 1.0,
                 'full_share_of_peak': 1.0},
      'variants': []}
  caption = module.format_table(report).splitlines()[0]
  assert caption.startswith('AMD EPYC (avx512f, avx512_bf16; no amx_bf16), '
                            '2 cores;')
  report['machine']['cpu_features'] = []
  caption = module.format_table(report).splitlines()[0]
  assert caption.startswith('AMD EPYC (none of avx512f, avx512_bf16, '
                            'amx_bf16), 2 cores;')
