// Seed 002's catch_the_fish with its cooking phase; `cook` mapped to an activity.
import { PhasedJob, StateMachine } from 'stepforge'

export function build(): StateMachine {
  const graph = {
    id: '1',
    purposeId: 'catch_the_fish',
    currentPhase: 'thinking',
    phases: {
      thinking: {
        steps: {
          thinking: { jobs: ['buy_fishing_gear'] },
          buy_fishing_gear: { jobs: ['rent_a_boat'] },
          rent_a_boat: { jobs: ['go_to_fishing_ground'] },
          go_to_fishing_ground: { jobs: ['cast_fishing_pole', 'drink_beer', 'catch_fish'] },
          catch_fish: { jobs: ['go_home'] },
        },
        finished: [],
        next: 'cooking',
        waitFor: [
          'buy_fishing_gear',
          'rent_a_boat',
          'go_to_fishing_ground',
          'cast_fishing_pole',
          'drink_beer',
          'catch_fish',
          'go_home',
        ],
      },
      cooking: {
        steps: { cookingStart: { jobs: ['clean'] }, clean: { jobs: ['cook'] } },
        waitFor: ['cook', 'clean'],
        finished: [],
        next: 'end',
      },
    },
  }
  return new PhasedJob(graph, {
    resources: { cook: 'arn:aws:states:us-east-1:123456789012:activity:cook' },
  }).stateMachine()
}
