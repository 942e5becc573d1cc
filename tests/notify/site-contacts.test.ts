import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ContactDirectory } from '../../alerting/notify/contact-directory.ts'
import { loadSite, parseSite } from '../../ingest/site/load-site.ts'
import { ROOT, TEST_SITE } from '../support/paths.ts'
import { siteWith } from './notify-harness.ts'

const problemsOf = (yaml: string): string => {
  try {
    parseSite(siteWith(yaml), 'site.yaml')
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('the site file was accepted')
}

const CONTACTS = `
contacts:
  - { id: li-wei, name: Li Wei, role: manager, buildings: [tower-a], phone: "+8613800000001", channels: [sms] }
  - { id: centre, name: Centre, role: monitoring_centre, phone: "+8610119119119", channels: [sms] }
`

describe('Contacts and escalation policies in the site file', () => {
  it('When a site file has no contacts, then it stays valid and notifies nobody', () => {
    const site = loadSite(TEST_SITE)
    expect(site.file.contacts).toEqual([])
    expect(site.file.escalation).toEqual([])
    expect(site.file.notify.budget).toEqual({
      max: 5,
      windowSec: 3600,
      classes: ['warning', 'fault', 'offline'],
    })
    expect(new ContactDirectory(site).policyFor('tower-a', 'fire')).toBeUndefined()
  })

  it('When the bundled demo site is loaded, then its contacts reach every building and the brigade answers fires', () => {
    const site = loadSite(join(ROOT, 'gateway/demo-site.yaml'))
    const directory = new ContactDirectory(site)
    for (const building of site.buildings) {
      const levels = directory.policyFor(building.id, 'fire')!.levels
      const last = directory.recipients(levels.at(-1)!, building.id).map((r) => r.contact.role)
      expect(
        last.some((role) => role === 'monitoring_centre' || role === 'brigade'),
        building.id,
      ).toBe(true)
      expect(directory.recipients(levels[0]!, building.id).length, building.id).toBeGreaterThan(0)
    }
    expect(readFileSync(join(ROOT, 'gateway/demo-site.yaml'), 'utf8')).toContain('escalation:')
  })

  it('When a level names an unknown contact, then the error names the field and the contact', () => {
    const message = problemsOf(`${CONTACTS}
escalation:
  - buildings: [tower-a]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 60 }
      - { targets: [centre, wang-fang], ackTimeoutSec: 60 }
`)
    expect(message).toMatch(
      /site\.yaml:\d+ escalation\[0\]\.levels\[1\]\.targets\[1\]: unknown contact wang-fang/,
    )
  })

  it('When the last level of a fire policy reaches no monitoring centre or brigade, then the site file is refused', () => {
    const message = problemsOf(`${CONTACTS}
escalation:
  - buildings: [tower-a]
    classes: [fire, warning]
    levels:
      - { targets: [centre], ackTimeoutSec: 60 }
      - { targets: [li-wei], ackTimeoutSec: 60 }
`)
    expect(message).toMatch(
      /escalation\[0\]\.levels\[1\]\.targets: the last level for a fire must reach a monitoring_centre or brigade contact \(tower-a\)/,
    )
  })

  it('When a level reaches nobody in a building of its policy, then the site file is refused', () => {
    const message = problemsOf(`${CONTACTS}
escalation:
  - classes: [warning]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 60 }
`)
    expect(message).toMatch(/escalation\[0\]\.levels\[0\]\.targets: level 1 reaches nobody in tower-b/)
  })

  it('When a contact lacks the address of its channel, or the budget names fire, then the field is named', () => {
    const message = problemsOf(`
contacts:
  - { id: li-wei, name: Li Wei, role: manager, channels: [sms, webhook], apiTokens: [nobody] }
`)
    expect(message).toMatch(/contacts\[0\]\.phone: the sms channel needs a phone/)
    expect(message).toMatch(/contacts\[0\]\.webhook: the webhook channel needs a webhook url/)
    expect(message).toMatch(/contacts\[0\]\.apiTokens\[0\]: unknown API token nobody/)
    const budget = problemsOf(`
notify:
  budget: { max: 5, windowSec: 3600, classes: [warning, fire] }
`)
    expect(budget).toMatch(/site\.yaml:\d+ notify\.budget\.classes\[1\]: /)
  })

  it('When a level asks for channels a target does not have, then the site file is refused', () => {
    const message = problemsOf(`${CONTACTS}
escalation:
  - classes: [fault]
    levels:
      - { targets: [centre], channels: [push], ackTimeoutSec: 60 }
`)
    expect(message).toMatch(
      /escalation\[0\]\.levels\[0\]\.channels: contact centre cannot be reached on push/,
    )
  })
})
