# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The speed benchmark runs and writes well-formed figures.

Timing stays out of the tests: they check that every figure is there, is a
positive finite number and agrees with the others, never how large it is.
"""

import functools
import importlib.util
import json
import math
import os

import pytest

from conftest import ROOT
from conftest import run_script

pytestmark = pytest.mark.slow

MEASUREMENTS = ('input', 'ceiling', 'full', 'twin', 'eval')


@pytest.fixture(scope='module')
def benchmark(fake_data_root, tmp_path_factory):
  """The JSON report and printed output of a quick run with one variant."""
  json_out = str(tmp_path_factory.mktemp('benchmark') / 'benchmark.json')
  proc = run_script('benchmarks/benchmark.py', '--fake_data',
                    '--data_dir=' + fake_data_root, '--quick',
                    '--rounds=2', '--repeats=2', '--steps=3',
                    '--variants=summaries',
                    '--json_out=' + json_out)
  with open(json_out) as f:
    return json.load(f), proc.stdout


def _is_positive_number(value):
  return (isinstance(value, (int, float)) and not isinstance(value, bool) and
          math.isfinite(value) and value > 0)


def test_benchmark_reports_every_measurement(benchmark):
  report, _ = benchmark
  assert set(report) == {'machine', 'settings', 'measurements', 'ratios',
                         'paired_windows',
                         'runs', 'peak'}
  assert set(report['measurements']) == set(MEASUREMENTS)
  assert set(report['ratios']) == {'full_over_ceiling', 'input_over_full',
                                   'full_over_twin', 'full_over_peak'}
  for key in ('cpu', 'cores', 'platform', 'python', 'tensorflow',
              'onednn_default', 'load_average', 'date'):
    assert key in report['machine']
  assert report['settings']['rounds'] == 2
  assert report['settings']['repeats'] == 2
  assert report['settings']['steps'] == 3
  assert report['settings']['data'] == 'synthetic'


def test_full_step_is_reported_as_a_share_of_the_measured_peak(benchmark):
  report, out = benchmark
  peak = report['peak']
  assert _is_positive_number(peak['macs_per_sec']['median'])
  # 52.6M multiply-adds a training image: 3x the forward pass's 18.5M, less
  # the input gradient of conv1.
  assert peak['macs_per_image'] == 52647552
  full = report['measurements']['full']['images_per_sec']['median']
  assert report['ratios']['full_over_peak'] == pytest.approx(
      full * peak['macs_per_image'] / peak['macs_per_sec']['median'])
  assert 'float32 multiply-add peak' in out and 'of the peak' in out


def test_benchmark_figures_are_positive_and_finite(benchmark):
  report, _ = benchmark
  measurements = report['measurements']
  for run, windows in ([(run, 2) for run in report['runs']] +
                       [(run, 4) for run in measurements.values()]):
    rates = run['images_per_sec']
    assert len(rates['windows']) == windows
    assert all(_is_positive_number(r) for r in rates['windows'])
    assert rates['min'] <= rates['median'] <= rates['max']
    assert rates['min'] == min(rates['windows'])
    assert rates['max'] == max(rates['windows'])
    assert _is_positive_number(run['peak_rss_mib'])
    assert _is_positive_number(run['wall_seconds'])
  assert _is_positive_number(measurements['input']['fill_seconds'])
  assert measurements['input']['fill_images'] == 1000
  assert _is_positive_number(measurements['full']['first_step_seconds'])
  assert measurements['eval']['images'] >= 1000
  assert all(_is_positive_number(r) for r in report['ratios'].values())


def test_benchmark_ratios_are_those_of_the_medians(benchmark):
  report, _ = benchmark
  median = {name: run['images_per_sec']['median']
            for name, run in report['measurements'].items()}
  ratios = report['ratios']
  assert ratios['full_over_ceiling'] == pytest.approx(
      median['full'] / median['ceiling'])
  assert ratios['input_over_full'] == pytest.approx(
      median['input'] / median['full'])
  assert ratios['full_over_twin'] == pytest.approx(
      median['full'] / median['twin'])


def test_full_windows_are_paired_with_the_ceiling_and_twin_beside_them(
    benchmark):
  report, out = benchmark
  # Each round's full process timed a ceiling and a twin window after each
  # of its own; the variants' full runs did not.
  full_runs = [run for run in report['runs'][:10]
               if run['measurement'] == 'full']
  assert len(full_runs) == 2
  for run in full_runs:
    assert set(run['paired']) == {'ceiling', 'twin'}
    assert all(len(rates) == 2 and all(_is_positive_number(r) for r in rates)
               for rates in run['paired'].values())
  assert all('paired' not in run for run in report['runs'][10:])
  gain = report['measurements']['twin'].get('gain_over_baseline', 1.0)
  for name, scale in (('ceiling', 1.0), ('twin', gain)):
    paired = report['paired_windows'][name]
    beside = [rate * scale for run in full_runs
              for rate in run['paired'][name]]
    want = [full / other for full, other in zip(
        [r for run in full_runs for r in run['images_per_sec']['windows']],
        beside)]
    assert paired['ratio']['windows'] == pytest.approx(want)
    middle = sorted(want)[1:3]  # The median of 4: the mean of the middle 2.
    assert paired['ratio']['median'] == pytest.approx(sum(middle) / 2)
    assert paired['images_per_sec']['windows'] == pytest.approx(beside)
  assert 'full / ceiling ' in out and '(4 windows, ' in out


def test_rounds_take_turns_and_pool_their_windows(benchmark):
  report, _ = benchmark
  rounds = report['runs'][:10]
  assert [(run['measurement'], run['variant']) for run in rounds] == 2 * [
      (m, 'onednn_on' if m == 'twin' else 'defaults') for m in MEASUREMENTS]
  for name, pooled in report['measurements'].items():
    own = [run for run in rounds if run['measurement'] == name]
    assert pooled['rounds'] == 2
    assert pooled['images_per_sec']['windows'] == (
        own[0]['images_per_sec']['windows'] +
        own[1]['images_per_sec']['windows'])
    assert pooled['peak_rss_mib'] == max(r['peak_rss_mib'] for r in own)
    for run in own:
      assert run['vs_baseline'] == pytest.approx(
          run['images_per_sec']['median'] / pooled['images_per_sec']['median'])


def test_each_variant_follows_a_run_of_its_baseline(benchmark):
  report, _ = benchmark
  runs = report['runs']
  assert len(runs) == 12
  baseline, variant = runs[10], runs[11]
  assert (baseline['measurement'], baseline['variant']) == ('full',
                                                            'defaults')
  assert (variant['measurement'], variant['variant']) == ('full',
                                                          'summaries_off')
  assert variant['flags'] == ['--save_summaries_steps=1000000000']
  assert variant['paired_baseline'] == 10
  assert variant['vs_baseline'] == pytest.approx(
      variant['images_per_sec']['median'] /
      baseline['images_per_sec']['median'])


def test_twin_has_the_network_of_the_graph(benchmark):
  report, _ = benchmark
  ceiling = report['measurements']['ceiling']
  twin = report['measurements']['twin']
  assert ceiling['parameters'] == twin['parameters'] == 1068298
  # Same initializers and weight decay: the same loss before training, about
  # 2.30 of cross entropy plus 2.37 of decay.
  assert twin['first_loss'] == pytest.approx(ceiling['first_loss'], abs=0.2)


def test_benchmark_prints_the_tables(benchmark):
  _, stdout = benchmark
  for text in ('input pipeline alone', 'in-memory ceiling', 'full / ceiling',
               'input / full', 'full / twin', 'What each choice gains',
               'summaries_off'):
    assert text in stdout


def _twin_run(median, vs_baseline, env):
  return {'measurement': 'twin', 'vs_baseline': vs_baseline, 'env': env,
          'flags': [], 'images_per_sec': {'median': median}}


@functools.lru_cache(maxsize=None)
def _benchmark_module():
  """benchmarks/benchmark.py, loaded once: it defines flags."""
  spec = importlib.util.spec_from_file_location(
      'benchmark_module', os.path.join(ROOT, 'benchmarks', 'benchmark.py'))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def _pooled_twin(module):
  return {'measurement': 'twin', 'env': {'TF_ENABLE_ONEDNN_OPTS': '1'},
          'flags': [], 'parameters': 1068298,
          'images_per_sec': module._summarize([900.0, 1000.0, 1100.0])}  # pylint: disable=protected-access


def test_twin_setting_counts_by_its_gain_over_the_run_beside_it():
  module = _benchmark_module()
  pooled = _pooled_twin(module)
  # Measured later on a faster machine: the highest rate, but only 2% over
  # the defaults run just before it; the other setting gains 5%.
  drifted = _twin_run(1300.0, 1.02, {'TF_NUM_INTRAOP_THREADS': '1'})
  better = _twin_run(1050.0, 1.05, {'TF_NUM_INTEROP_THREADS': '1'})
  assert module.best_twin_setting([drifted, better]) is better
  best = module.twin_at_its_best(pooled, better)
  assert best['images_per_sec']['median'] == pytest.approx(1050.0)
  assert best['images_per_sec']['windows'] == pytest.approx([945.0, 1050.0,
                                                             1155.0])
  assert best['env'] == {'TF_NUM_INTEROP_THREADS': '1'}
  assert best['gain_over_baseline'] == 1.05
  assert best['parameters'] == 1068298
  # No setting beats the defaults: the rounds stand as measured.
  worse = _twin_run(1200.0, 0.97, {'TF_ENABLE_ONEDNN_OPTS': '0'})
  assert module.best_twin_setting([worse]) is None
  assert module.best_twin_setting([]) is None
  assert module.twin_at_its_best(pooled, None) is pooled


def test_twin_setting_gain_is_measured_again_in_fresh_pairs():
  module = _benchmark_module()
  pooled = _pooled_twin(module)
  lucky = _twin_run(1100.0, 1.10, {'TF_NUM_INTEROP_THREADS': '1'})
  # The fresh pairs give the setting its median gain, not the lucky one.
  confirmed = module.twin_at_its_best(pooled, lucky, [1.01, 1.04, 1.03])
  assert confirmed['gain_over_baseline'] == pytest.approx(1.03)
  assert confirmed['images_per_sec']['median'] == pytest.approx(1030.0)
  assert confirmed['env'] == {'TF_NUM_INTEROP_THREADS': '1'}
  assert confirmed['confirmations'] == [1.01, 1.04, 1.03]
  # When the pairs find no gain, the twin keeps its defaults' figures, and
  # the report says which setting lost.
  rejected = module.twin_at_its_best(pooled, lucky, [0.97, 1.02, 0.99])
  assert rejected['images_per_sec'] == pooled['images_per_sec']
  assert rejected['env'] == pooled['env']
  assert 'gain_over_baseline' not in rejected
  assert rejected['rejected_setting'] == {'TF_NUM_INTEROP_THREADS': '1'}


def _verdict_run(measurement, variant, gains):
  return {'measurement': measurement, 'variant': variant,
          'paired_baseline': 0, 'vs_baseline': gains[0],
          'pair_gains': gains}


def test_verdicts_rest_on_the_median_of_their_pairs():
  module = _benchmark_module()
  lines = module.verdicts([
      # A lucky first pair does not make tf.data the choice.
      _verdict_run('full', 'tf_data', [1.25, 0.98, 1.01]),
      _verdict_run('eval', 'tf_data', [1.98, 1.60, 1.75]),
      # The compute gains, the training step does not: leave it off.
      _verdict_run('ceiling', 'bfloat16', [1.48, 1.20, 1.25]),
      _verdict_run('full', 'bfloat16', [0.96, 1.02, 0.99]),
      # Far slower after one pair.
      _verdict_run('full', 'float16', [0.2]),
      # The defaults' own runs and fresh pairs get no line.
      {'measurement': 'full', 'variant': 'tf_data', 'vs_baseline': 1.3},
      {'measurement': 'full', 'variant': 'summaries_off',
       'paired_baseline': 0, 'vs_baseline': 1.1},
  ])
  assert len(lines) == 5
  assert lines[0].startswith('full     tf.data 1.01x the queues')
  assert lines[0].endswith('the same within the noise')
  assert 'median of 3 pairs: 1.25, 0.98, 1.01' in lines[0]
  assert lines[1].endswith('choose tf_data here')
  assert 'bfloat16 1.25x float32' in lines[2]
  assert 'fast' not in lines[2]
  assert lines[3].startswith('full     bfloat16 0.99x float32')
  assert lines[3].endswith('no fast bfloat16 path for this training step; '
                           'leave it off')
  assert '(one pair)' in lines[4] and lines[4].endswith('leave it off')
  turned_on = module.verdicts([_verdict_run('full', 'bfloat16',
                                            [1.3, 1.1, 1.2])])
  assert turned_on[0].endswith('worth turning on for training here')
