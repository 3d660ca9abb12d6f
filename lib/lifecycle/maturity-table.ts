/** The maturity report `npm run maturity` prints: per owner, each component's level and next step. */
import type { PlatformModel } from '../config/load-config';
import { LEVEL_NAMES, maturityOf } from './maturity';

export function maturityTable(model: PlatformModel): string {
  const owners = [
    { name: 'platform', components: model.platform.components, developers: model.platform.developers },
    ...model.pilots.map((p) => ({ name: p.name, components: p.components, developers: p.developers })),
  ];
  const lines: string[] = [];
  for (const owner of owners) {
    lines.push(`${owner.name}`, '| component | level | | missing for the next level |', '|---|---|---|---|');
    for (const component of owner.components) {
      const { level, missing } = maturityOf(component, owner);
      lines.push(`| ${component.name} | ${level} | ${LEVEL_NAMES[level]} | ${missing.join('; ') || '(top level reached)'} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
