// The five MinAtar games by name, with what the env wrapper needs to know about each.
import type { Game } from '../game.js';
import type { Rng } from '../rng.js';
import { rangeError, typeError } from '../validate.js';
import { Asterix } from './asterix.js';
import { Breakout } from './breakout.js';
import { Freeway } from './freeway.js';
import { Seaquest } from './seaquest.js';
import { SpaceInvaders } from './space_invaders.js';

export const GAMES = ['asterix', 'breakout', 'freeway', 'seaquest', 'space_invaders'] as const;
export type GameName = (typeof GAMES)[number];

export interface GameInfo {
  create(rng: Rng, ramping: boolean): Game;
  /** The reference's channel names, in channel order. */
  channelNames: readonly string[];
  /** The reference's minimal_action_set(): the actions (of 0..5) that make a difference in this game. */
  minimalActionSet: readonly number[];
}

export const GAME_INFO: Readonly<Record<GameName, GameInfo>> = Object.freeze({
  asterix: {
    create: (rng, ramping) => new Asterix(rng, ramping),
    channelNames: ['player', 'enemy', 'trail', 'gold'],
    minimalActionSet: [0, 1, 2, 3, 4],
  },
  breakout: {
    create: (rng, ramping) => new Breakout(rng, ramping),
    channelNames: ['paddle', 'ball', 'trail', 'brick'],
    minimalActionSet: [0, 1, 3],
  },
  freeway: {
    create: (rng, ramping) => new Freeway(rng, ramping),
    channelNames: ['chicken', 'car', 'speed1', 'speed2', 'speed3', 'speed4', 'speed5'],
    minimalActionSet: [0, 2, 4],
  },
  seaquest: {
    create: (rng, ramping) => new Seaquest(rng, ramping),
    channelNames: ['sub_front', 'sub_back', 'friendly_bullet', 'trail', 'enemy_bullet', 'enemy_fish', 'enemy_sub',
      'oxygen_guage', 'diver_guage', 'diver'],
    minimalActionSet: [0, 1, 2, 3, 4, 5],
  },
  space_invaders: {
    create: (rng, ramping) => new SpaceInvaders(rng, ramping),
    channelNames: ['cannon', 'alien', 'alien_left', 'alien_right', 'friendly_bullet', 'enemy_bullet'],
    minimalActionSet: [0, 1, 3, 5],
  },
});

/** Checks a game name: TypeError when not a string, RangeError listing the games when unknown. */
export function checkGameName(game: unknown): GameName {
  const expected = `one of ${GAMES.join(', ')}`;
  if (typeof game !== 'string') throw typeError(expected, 'game', game);
  if (!(GAMES as readonly string[]).includes(game)) throw rangeError(expected, 'game', game);
  return game as GameName;
}
