"""The nearest-passage vote beside a theme's regression."""

import numpy as np

from workbench.autocode.semantic import nearest_training_rows, neighbour_vote


def unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_nearest_rows_come_most_similar_first_and_in_blocks():
    train = unit([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [-1, 0]])
    near = nearest_training_rows(train, unit([[1, 0.05], [0.05, 1]]), k=3)
    assert near.tolist() == [[0, 1, 3], [2, 3, 1]]
    assert nearest_training_rows(train, unit([[1, 0]]), k=50).shape == (1, 5)  # k is capped at the training size
    many = unit(np.random.default_rng(0).normal(size=(5000, 2)))  # more rows than one block of 2048
    assert (nearest_training_rows(train, many, k=1)[:, 0] == (many @ train.T).argmax(axis=1)).all()


def test_vote_is_corrected_for_how_common_the_code_is():
    y = np.array([1, 0, 0, 0, 0] * 10)  # a fifth of the passages carry the code
    near = np.tile(np.arange(50), (3, 1))
    near[1] = np.concatenate([np.flatnonzero(y), np.flatnonzero(y == 0)])  # the 10 positives nearest
    near[2] = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y)])  # only negatives nearest
    vote = neighbour_vote(y, near)
    assert abs(vote[0] - 0.5) < 1e-9  # neighbours as mixed as the whole set: no evidence either way
    assert vote[1] > 0.99 and vote[2] < 1e-9
    # A code with 10 passages asks 10 neighbours, not 50: all ten nearest carry it.
    assert neighbour_vote(y, near[1:2])[0] > 0.99
