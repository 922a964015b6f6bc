/* nianbao — progressive enhancement only: every page works without this script.
   Written for older browsers too (ES5: no arrow functions, no fetch requirement). */
(function () {
  'use strict';

  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // Drag-and-drop onto the upload zone: the dropped file goes into the file input and the form is sent.
  var drop = document.getElementById('drop');
  var input = document.getElementById('file');
  var form = document.getElementById('check-form');
  if (drop && input && form) {
    ['dragenter', 'dragover'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.className = 'drop over'; });
    });
    ['dragleave', 'drop'].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.className = 'drop'; });
    });
    drop.addEventListener('drop', function (e) {
      if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        form.submit();
      }
    });
  }

  // A finding lights the cells it names; a cell lights the findings naming it and shows its source line.
  function clear() { all('.lit').forEach(function (el) { el.className = el.className.replace(/ ?\blit\b/g, ''); }); }
  function light(el) { if (!/\blit\b/.test(el.className)) { el.className += ' lit'; } }
  all('.finding').forEach(function (f) {
    f.addEventListener('click', function (e) {
      if (e.target.tagName === 'A') { return; }
      clear(); light(f);
      var keys = (f.getAttribute('data-cells') || '').split(' ');
      var first = null;
      keys.forEach(function (k) {
        if (!k) { return; }
        all('td[data-key="' + k + '"]').forEach(function (td) { light(td); first = first || td; });
      });
      if (first && first.scrollIntoView) { first.scrollIntoView({ block: 'center' }); }
    });
  });
  var pop = document.getElementById('source-pop');
  all('table.statutory td[data-key]').forEach(function (td) {
    td.addEventListener('click', function () {
      clear(); light(td);
      var key = td.getAttribute('data-key');
      all('.finding').forEach(function (f) {
        if ((' ' + f.getAttribute('data-cells') + ' ').indexOf(' ' + key + ' ') >= 0) { light(f); }
      });
      if (pop) {
        var src = td.getAttribute('data-src');
        pop.textContent = '';
        var head = document.createElement('div');
        head.appendChild(document.createTextNode(key + (td.getAttribute('data-place') ? '｜' + td.getAttribute('data-place') : '')));
        pop.appendChild(head);
        if (src) { var c = document.createElement('code'); c.appendChild(document.createTextNode(src)); pop.appendChild(c); }
        pop.hidden = false;
      }
    });
  });
  if (pop) { pop.addEventListener('click', function () { pop.hidden = true; }); }

  // Charts: each .chart asks the API for its data and draws it with the embedded ECharts.
  function get(url, done) {
    var x = new XMLHttpRequest();
    x.open('GET', url);
    x.onload = function () {
      var body = null;
      try { body = JSON.parse(x.responseText); } catch (e) { body = null; }
      done(x.status, body);
    };
    x.send();
  }
  function option(d) {
    var tools = { feature: { saveAsImage: { title: '保存为图片', pixelRatio: 2 } } };
    if (d.kind === 'pie') {
      return {
        tooltip: { trigger: 'item', renderMode: 'richText', formatter: '{b}：{c}（{d}%）' }, toolbox: tools, legend: { bottom: 0 },
        series: [{ type: 'pie', radius: ['35%', '65%'], data: d.categories.map(function (c, i) { return { name: c, value: d.series[0].data[i] }; }) }]
      };
    }
    var horizontal = d.kind === 'bar' && d.categories.length > 6;
    var cat = { type: 'category', data: d.categories, axisLabel: { interval: 0, fontSize: 11 } };
    var val = { type: 'value' };
    if (horizontal) { cat.inverse = true; }
    return {
      tooltip: { trigger: 'axis', renderMode: 'richText' }, toolbox: tools, legend: { top: 0 },
      grid: { left: horizontal ? 220 : 50, right: 30, top: 30, bottom: 30, containLabel: !horizontal },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val,
      series: d.series.map(function (s) { return { name: s.name, type: d.kind, data: s.data, stack: d.series.length > 1 && d.kind === 'bar' ? 'all' : undefined }; })
    };
  }
  // Every text from the server goes in as text (textContent / createTextNode), never as
  // HTML: an error message may quote the request (`年度应为数字：<img …>`).
  function say(el, text, cls) {
    el.textContent = '';
    var p = document.createElement('p');
    if (cls) { p.className = cls; }
    p.appendChild(document.createTextNode(text));
    el.appendChild(p);
  }
  all('.chart[data-chart]').forEach(function (el) {
    if (!window.echarts) { say(el, '图表脚本未能加载'); return; }
    var name = el.getAttribute('data-chart');
    get('/api/v1/charts/' + encodeURIComponent(name) + '?' + (el.getAttribute('data-query') || ''), function (status, d) {
      if (status !== 200 || !d) { say(el, (d && d.error && String(d.error.message)) || '数据未能加载', 'error'); return; }
      if (!d.categories.length) { say(el, '没有数据', 'hint'); }
      var chart = window.echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(option(d));
      el.setAttribute('data-drawn', '1');
      var def = el.parentNode.querySelector('.chart-def');
      if (def) { def.appendChild(document.createTextNode('口径：' + d.definition)); }
      window.addEventListener('resize', function () { chart.resize(); });
    });
  });
})();
