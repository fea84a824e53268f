// The region lookup (GB/T 2260) a clerk drives from the keyboard, the nationality list
// and the age an ID number gives: pure functions over shipped data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIONALITIES, nationalityOf } from '../../../src-main/common/nationalities.ts';
import { regionByCode, searchRegions } from '../../../src-main/common/regions.ts';
import { ageFromIdNumber } from '../../../src-main/common/review/card-checks.ts';
import { idCheckCharacter } from '../../../src-main/common/review/identifiers.ts';
import { buildRegionTable, render, sourceVersion } from '../../../tools/regions.ts';

const codes = (query: string, limit?: number) => searchRegions(query, limit).map((r) => r.code);

describe('region lookup', () => {
  it('finds 北京市朝阳区 (110105) first by name, full pinyin, initials and a mix of both', () => {
    for (const query of ['朝阳', 'chaoyang', 'cy', 'cyq', 'chaoy', 'cyang', 'ChaoYang ', 'chao yang']) {
      expect(searchRegions(query)[0], query).toEqual({
        code: '110105',
        name: '朝阳区',
        fullName: '北京市朝阳区',
        level: 'county',
      });
    }
    // The other 朝阳 follow, by code.
    expect(codes('朝阳', 4)).toEqual(['110105', '211300', '211321', '220104']);
  });

  it('finds by the place above too: 北京朝阳, bjcy, cdjj, lncy', () => {
    expect(codes('北京朝阳')).toEqual(['110105']);
    expect(codes('bjcy')).toEqual(['110105']);
    expect(codes('cdjj')).toEqual(['510104']);
    expect(codes('sccdjj')).toEqual(['510104']);
    expect(codes('lncy')).toContain('211321');
  });

  it('finds by the beginning of a code, and a whole code names one division', () => {
    expect(codes('1101', 3)).toEqual(['110101', '110102', '110105']);
    expect(codes('110105')).toEqual(['110105']);
    expect(codes('999')).toEqual([]);
  });

  it('reads place names as they are said (厦门 xiamen, 六安 lu an, 蚌埠 bengbu, 乐亭 laoting)', () => {
    expect(codes('xiamen')[0]).toBe('350200');
    expect(codes('luanshi')[0]).toBe('341500');
    expect(codes('bengbu')[0]).toBe('340300');
    expect(codes('laoting')[0]).toBe('130225');
  });

  it('names a code in full, through its province and prefecture, and knows no grouping entries', () => {
    expect(regionByCode('211321')?.fullName).toBe('辽宁省朝阳市朝阳县');
    expect(regionByCode('469001')?.fullName).toBe('海南省五指山市');
    expect(regionByCode('110000')).toEqual({ code: '110000', name: '北京市', fullName: '北京市', level: 'province' });
    expect(regionByCode('110101')?.fullName).toBe('北京市东城区');
    expect(regionByCode('130101')).toBeUndefined(); // 市辖区
    expect(regionByCode('469000')).toBeUndefined(); // 省直辖县级行政区划
    expect(regionByCode('810000')?.name).toBe('香港特别行政区');
    expect(regionByCode('810001')).toBeUndefined(); // not coded by GB/T 2260
  });

  it('asks nothing for an empty query, and stops at the limit', () => {
    expect(searchRegions('  ')).toEqual([]);
    expect(searchRegions('s', 5)).toHaveLength(5);
  });

  it('ships the table the installed source package gives (npm run regions)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../../src-main/common/region-data.ts'), 'utf8');
    expect(committed).toBe(render(buildRegionTable(), sourceVersion()));
  });
});

describe('民族 (GB/T 3304)', () => {
  it('lists the 56 nationalities in code order, then 其他 and 外国血统中国籍人士, named as the card names them', () => {
    expect(NATIONALITIES).toHaveLength(58);
    expect(NATIONALITIES.slice(0, 56).every((n, i) => Number(n.code) === i + 1)).toBe(true);
    expect(NATIONALITIES[0]).toEqual({ code: '01', name: '汉', label: '汉族' });
    expect(NATIONALITIES[55]).toEqual({ code: '56', name: '基诺', label: '基诺族' });
    expect(NATIONALITIES.slice(56).map((n) => [n.code, n.label])).toEqual([
      ['97', '其他'],
      ['98', '外国血统中国籍人士'],
    ]);
    expect(new Set(NATIONALITIES.map((n) => n.name)).size).toBe(58);
  });

  it('knows a nationality typed with or without 族, or by its code', () => {
    expect(nationalityOf('蒙古族')?.code).toBe('02');
    expect(nationalityOf(' 蒙古 ')?.code).toBe('02');
    expect(nationalityOf('05')?.name).toBe('维吾尔');
    expect(nationalityOf('火星族')).toBeUndefined();
  });
});

describe('age from the ID number', () => {
  const id = (first17: string) => first17 + idCheckCharacter(first17);
  const born = id('11010520080307123'); // 2008-03-07

  it('counts full years on the day, the birthday itself included', () => {
    expect(ageFromIdNumber(born, '2026-03-06')).toBe(17);
    expect(ageFromIdNumber(born, '2026-03-07')).toBe(18);
    expect(ageFromIdNumber(born.toLowerCase(), '2026-12-31')).toBe(18);
  });

  it('gives no age for a number that is not valid', () => {
    expect(ageFromIdNumber(born.slice(0, 17), '2026-03-07')).toBeUndefined();
    expect(ageFromIdNumber(`${born.slice(0, 17)}${born.endsWith('0') ? '1' : '0'}`, '2026-03-07')).toBeUndefined();
  });
});
