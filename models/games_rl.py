"""A small agent learning a grid game: tabular Q-learning (and SARSA for contrast).

The game: walk from S to G on a grid; every move costs 1 point, stepping off the cliff (C) costs
100 and sends the agent back to S, walls (#) block. With ``slip`` > 0 the floor is icy: a move
goes in a random direction with that probability. "cliff" is Sutton & Barto's cliff-walking task
(Reinforcement Learning, 2nd ed., Example 6.6); "maze" is a small maze written for this demo.

Q-learning (Watkins 1989) updates towards the best next action:
    Q(s,a) += alpha * (r + gamma * max_a' Q(s',a') - Q(s,a))
SARSA updates towards the action it will actually take next (epsilon-greedy), so it learns a
path that is safe *while exploring*; Q-learning learns the shortest path and, exploring, falls
off the cliff more often (Sutton & Barto, Figure 6.4). Both are trained with the same seed.

Example
-------
>>> from models.games_rl import GridConfig, run_q_learning
>>> res = run_q_learning(GridConfig(seed=0))
>>> res.greedy_reaches_goal
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models._config import check, check_choice, check_ranges

MAPS: dict[str, tuple[str, ...]] = {
    "cliff": (
        "............",
        "............",
        "............",
        "SCCCCCCCCCCG",
    ),
    "maze": (
        "S..#.....",
        ".#.#.###.",
        ".#...#...",
        ".####.#C#",
        "......#..",
        ".##C###.#",
        "........G",
    ),
}
ACTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))    # up, right, down, left
ARROWS = ("↑", "→", "↓", "←")
STEP_REWARD = -1.0
CLIFF_REWARD = -100.0
MAX_STEPS = 200                                   # an episode that wanders this long is cut


@dataclass(frozen=True)
class GridConfig:
    seed: int = 0
    map_id: str = "cliff"
    episodes: int = 300
    alpha: float = 0.5        # learning rate
    gamma: float = 0.99       # discount
    epsilon: float = 0.1      # exploration: share of random moves while learning
    slip: float = 0.0         # icy floor: chance a move goes in a random direction

    def validate(self) -> None:
        check_choice(self, "map_id", MAPS)
        check_ranges(self, episodes=(10, 5000), epsilon=(0, 1), slip=(0, 0.5))
        check(self, "alpha", 0 < self.alpha <= 1, "(0, 1]")
        check(self, "gamma", 0 < self.gamma <= 1, "(0, 1]")


@dataclass(frozen=True)
class GridResult:
    grid: tuple[str, ...]
    reward_q: np.ndarray = field(repr=False)        # (episodes,) total reward per episode, Q-learning
    reward_sarsa: np.ndarray = field(repr=False)    # (episodes,) SARSA
    q_table: np.ndarray = field(repr=False)         # (rows, cols, 4) learned by Q-learning
    greedy_path: tuple[tuple[int, int], ...] = ()   # following argmax Q from S (no exploration)
    greedy_reaches_goal: bool = False
    greedy_reward: float = 0.0                      # one greedy episode (expected over slips if slip > 0)
    random_policy_reward: float = 0.0               # mean reward of uniformly random moves
    shortest_path_reward: float = 0.0               # the best possible on a non-slippery floor


class GridWorld:
    """The game's rules: positions, moves, rewards."""

    def __init__(self, grid: tuple[str, ...], slip: float, rng: np.random.Generator):
        self.grid, self.slip, self.rng = grid, slip, rng
        self.shape = (len(grid), len(grid[0]))
        self.start = self._find("S")
        self.goal = self._find("G")

    def _find(self, ch: str) -> tuple[int, int]:
        for r, row in enumerate(self.grid):
            if ch in row:
                return r, row.index(ch)
        raise ValueError(ch)

    def step(self, pos: tuple[int, int], action: int) -> tuple[tuple[int, int], float, bool]:
        if self.slip and self.rng.random() < self.slip:
            action = int(self.rng.integers(4))
        r, c = pos[0] + ACTIONS[action][0], pos[1] + ACTIONS[action][1]
        if not (0 <= r < self.shape[0] and 0 <= c < self.shape[1]) or self.grid[r][c] == "#":
            return pos, STEP_REWARD, False
        if self.grid[r][c] == "C":
            return self.start, CLIFF_REWARD, False
        return (r, c), STEP_REWARD, (r, c) == self.goal

    def shortest_path_steps(self) -> int:
        """Breadth-first search over safe cells."""
        frontier, seen, steps = [self.start], {self.start}, 0
        while frontier:
            if self.goal in frontier:
                return steps
            nxt = []
            for r, c in frontier:
                for dr, dc in ACTIONS:
                    p = (r + dr, c + dc)
                    if (0 <= p[0] < self.shape[0] and 0 <= p[1] < self.shape[1] and p not in seen
                            and self.grid[p[0]][p[1]] not in "#C"):
                        seen.add(p)
                        nxt.append(p)
            frontier, steps = nxt, steps + 1
        raise ValueError("the goal cannot be reached")


def _train(world: GridWorld, cfg: GridConfig, rng: np.random.Generator, sarsa: bool):
    q = np.zeros((*world.shape, 4))

    def choose(pos):
        if rng.random() < cfg.epsilon:
            return int(rng.integers(4))
        values = q[pos]
        return int(rng.choice(np.flatnonzero(values == values.max())))  # break ties at random

    rewards = np.zeros(cfg.episodes)
    for ep in range(cfg.episodes):
        pos, total = world.start, 0.0
        action = choose(pos)
        for _ in range(MAX_STEPS):
            nxt, reward, done = world.step(pos, action)
            total += reward
            next_action = choose(nxt)
            target_next = q[nxt][next_action] if sarsa else q[nxt].max()
            target = reward + (0.0 if done else cfg.gamma * target_next)
            q[pos][action] += cfg.alpha * (target - q[pos][action])
            pos, action = nxt, next_action
            if done:
                break
        rewards[ep] = total
    return q, rewards


def _rollout(world: GridWorld, policy, rng) -> tuple[list[tuple[int, int]], float, bool]:
    pos, total, path = world.start, 0.0, [world.start]
    for _ in range(MAX_STEPS):
        pos, reward, done = world.step(pos, policy(pos, rng))
        total += reward
        path.append(pos)
        if done:
            return path, total, True
    return path, total, False


def run_q_learning(cfg: GridConfig = GridConfig()) -> GridResult:
    """Train Q-learning and SARSA on the chosen map; evaluate the greedy policy and a random one."""
    cfg.validate()
    grid = MAPS[cfg.map_id]
    rng = np.random.default_rng(cfg.seed)
    world = GridWorld(grid, cfg.slip, rng)
    q, reward_q = _train(world, cfg, rng, sarsa=False)
    _, reward_sarsa = _train(world, cfg, np.random.default_rng(cfg.seed + 1), sarsa=True)

    eval_rng = np.random.default_rng(cfg.seed + 2)
    world_eval = GridWorld(grid, cfg.slip, eval_rng)
    n_eval = 20 if cfg.slip else 1
    greedy = [_rollout(world_eval, lambda p, _r: int(q[p].argmax()), eval_rng) for _ in range(n_eval)]
    rand = [_rollout(world_eval, lambda p, r: int(r.integers(4)), eval_rng) for _ in range(50)]
    path, _, reached = greedy[0]
    return GridResult(
        grid=grid, reward_q=reward_q, reward_sarsa=reward_sarsa, q_table=q,
        greedy_path=tuple(path), greedy_reaches_goal=bool(reached),
        greedy_reward=float(np.mean([g[1] for g in greedy])),
        random_policy_reward=float(np.mean([r[1] for r in rand])),
        shortest_path_reward=STEP_REWARD * world.shortest_path_steps(),
    )
