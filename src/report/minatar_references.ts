// Reference scores for normalising MinAtar returns (rliable-style: 0 = a uniformly random policy, 1 = Young & Tian's
// DQN at 5M frames), so that a report never normalises by its own sweep's min and max.
//   random:    mean return of a uniformly random policy with sticky actions 0.1, measured on the reference
//              implementation (kenjyoung/MinAtar) and recorded in prunerl's issue 11; our port gives the same within
//              two standard errors (1000 episodes each: 0.53, 0.52, 0.12, 0.10, 2.93).
//   reference: the DQN curve (with replay) at 5M frames in MinAtar's README figure img/learning_curves.gif
//              (kenjyoung/MinAtar, added in 87c2bc8 and unchanged at 4241f24; Young & Tian 2019): the moving
//              average of training returns (ε-greedy, ε = 0.1) over 100 episodes, mean of 30 seeds, with a step size
//              tuned per game. Read off the plot by pixel measurement (median of the last 50k frames of the curve;
//              ±0.3 for Asterix, Breakout and Seaquest, ±1 for Freeway and Space Invaders; the README's sensitivity
//              figure gives 16.7, 10.3, 49.9, 19.1 and 45.4 at each game's best step size). That figure uses the full
//              6-action set (prunerl's port uses each game's minimal set), and its Seaquest curve predates MinAtar
//              1.0.11's oxygen-bar fix, so Seaquest's reference is the weakest. Breakout's random score agrees with the
//              README's own random_play.py output (0.5 ± 0.023).
export interface ReferenceScore {
  random: number;
  reference: number;
  /** Where the numbers come from. */
  source: string;
}

const figure = 'random: measured on kenjyoung/MinAtar (sticky 0.1); reference: DQN at 5M frames read off MinAtar README img/learning_curves.gif (4241f24, Young & Tian 2019)';

export const MINATAR_REFERENCES: Record<string, ReferenceScore> = {
  'minatar/asterix': { random: 0.5, reference: 17, source: figure },
  'minatar/breakout': { random: 0.51, reference: 10, source: figure },
  'minatar/freeway': { random: 0.13, reference: 50, source: figure },
  'minatar/seaquest': { random: 0.1, reference: 20, source: `${figure}; Seaquest before the 1.0.11 oxygen fix` },
  'minatar/space_invaders': { random: 2.82, reference: 43, source: figure },
};
